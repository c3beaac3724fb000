SELECT * FROM a	broken
