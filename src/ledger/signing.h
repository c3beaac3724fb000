#pragma once

// Ed25519 keys for signing ledger tree heads (OpenSSL EVP_PKEY_ED25519).
//
// Key files: the private key is PKCS#8 PEM at `path`, created with mode 0600; the public key is
// SubjectPublicKeyInfo PEM at `path` + ".pub" (mode 0644). The key id is the lowercase hex
// SHA-256 of the public key's DER (SubjectPublicKeyInfo) encoding.
//
// Ownership: a KeyPair / PublicKey owns its EVP_PKEY. Thread-safety: Sign() and Verify() are
// const and may be called from several threads at once.

#include <openssl/evp.h>

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"

namespace cairn::ledger {

struct PkeyDeleter {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyDeleter>;

class PublicKey {
 public:
  // Parses a SubjectPublicKeyInfo PEM holding an Ed25519 key. InvalidArgument otherwise.
  static Result<PublicKey> FromPem(std::string_view pem);
  // Reads and parses a public key file. NotFound if missing; InvalidArgument if not a key.
  static Result<PublicKey> Load(const std::filesystem::path& path);

  // OK if `signature` (raw 64 bytes) is a valid signature of `message`; kDataLoss if it is not.
  Status Verify(std::string_view message, std::string_view signature) const;

  const std::string& pem() const { return pem_; }
  // Hex SHA-256 of the DER encoding.
  const std::string& key_id() const { return key_id_; }

 private:
  PublicKey(PkeyPtr key, std::string pem, std::string key_id)
      : key_(std::move(key)), pem_(std::move(pem)), key_id_(std::move(key_id)) {}
  std::shared_ptr<EVP_PKEY> key_;
  std::string pem_;
  std::string key_id_;
};

class KeyPair {
 public:
  // Loads the key at `path` (and checks that `path`.pub matches it), or, if `path` does not
  // exist, creates a new key and writes both files. Unavailable if the files cannot be written;
  // InvalidArgument if an existing file is not an Ed25519 key; DataLoss if the public key file
  // does not belong to the private key.
  static Result<KeyPair> LoadOrCreate(const std::filesystem::path& path);
  // A fresh key that lives only in memory (tests).
  static Result<KeyPair> Generate();

  // The raw 64-byte Ed25519 signature of `message`. Internal on an OpenSSL failure.
  Result<std::string> Sign(std::string_view message) const;

  const PublicKey& public_key() const { return public_; }

 private:
  KeyPair(PkeyPtr key, PublicKey pub) : key_(std::move(key)), public_(std::move(pub)) {}
  std::shared_ptr<EVP_PKEY> key_;
  PublicKey public_;
};

}  // namespace cairn::ledger
