#include "ledger/signing.h"

#include <fcntl.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "ledger/merkle.h"

namespace cairn::ledger {
namespace {

struct BioDeleter {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
using BioPtr = std::unique_ptr<BIO, BioDeleter>;

struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};

std::string OpenSslError() {
  const unsigned long code = ERR_get_error();
  if (code == 0) return "unknown OpenSSL error";
  char buffer[256];
  ERR_error_string_n(code, buffer, sizeof(buffer));
  ERR_clear_error();
  return buffer;
}

std::string BioContents(BIO* bio) {
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  return std::string(data, size > 0 ? static_cast<size_t>(size) : 0);
}

Result<std::string> PublicPem(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), key) != 1) {
    return InternalError("cannot encode the public key: {}", OpenSslError());
  }
  return BioContents(bio.get());
}

Result<std::string> KeyId(EVP_PKEY* key) {
  unsigned char* der = nullptr;
  const int size = i2d_PUBKEY(key, &der);
  if (size <= 0) return InternalError("cannot encode the public key: {}", OpenSslError());
  std::string bytes(reinterpret_cast<const char*>(der), static_cast<size_t>(size));
  OPENSSL_free(der);
  return ToHex(Sha256(bytes));
}

Result<std::string> ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFoundError("{}: cannot read the key file", path.string());
  std::ostringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

// Writes `contents` to a new file `path` with `mode` (fails if it exists).
Status WriteNewFile(const std::filesystem::path& path, const std::string& contents, mode_t mode) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) return UnavailableError("{}: cannot create: {}", path.string(), std::strerror(errno));
  size_t written = 0;
  while (written < contents.size()) {
    const ssize_t n = ::write(fd, contents.data() + written, contents.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      const std::string error = std::strerror(errno);
      ::close(fd);
      return UnavailableError("{}: cannot write: {}", path.string(), error);
    }
    written += static_cast<size_t>(n);
  }
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!synced) return UnavailableError("{}: cannot sync: {}", path.string(), std::strerror(errno));
  return OkStatus();
}

Result<PublicKey> PublicOf(EVP_PKEY* key) {
  ASSIGN_OR_RETURN(std::string pem, PublicPem(key));
  return PublicKey::FromPem(pem);
}

}  // namespace

Result<PublicKey> PublicKey::FromPem(std::string_view pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  PkeyPtr key(bio ? PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  if (!key) return InvalidArgumentError("not a PEM public key: {}", OpenSslError());
  if (EVP_PKEY_id(key.get()) != EVP_PKEY_ED25519) {
    return InvalidArgumentError("the public key is not an Ed25519 key");
  }
  ASSIGN_OR_RETURN(std::string id, KeyId(key.get()));
  return PublicKey(std::move(key), std::string(pem), std::move(id));
}

Result<PublicKey> PublicKey::Load(const std::filesystem::path& path) {
  ASSIGN_OR_RETURN(std::string pem, ReadFile(path));
  Result<PublicKey> key = FromPem(pem);
  if (!key.ok()) return key.status().WithContext(path.string());
  return key;
}

Status PublicKey::Verify(std::string_view message, std::string_view signature) const {
  std::unique_ptr<EVP_MD_CTX, MdCtxDeleter> ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key_.get()) != 1) {
    return InternalError("cannot start signature verification: {}", OpenSslError());
  }
  const int rc = EVP_DigestVerify(
      ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
      reinterpret_cast<const unsigned char*>(message.data()), message.size());
  ERR_clear_error();
  if (rc != 1) return DataLossError("the signature does not verify with key {}", key_id_);
  return OkStatus();
}

Result<KeyPair> KeyPair::Generate() {
  EVP_PKEY* raw = nullptr;
  std::unique_ptr<EVP_PKEY_CTX, void (*)(EVP_PKEY_CTX*)> ctx(
      EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr), EVP_PKEY_CTX_free);
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1 || EVP_PKEY_keygen(ctx.get(), &raw) != 1) {
    return InternalError("cannot generate an Ed25519 key: {}", OpenSslError());
  }
  PkeyPtr key(raw);
  ASSIGN_OR_RETURN(PublicKey pub, PublicOf(key.get()));
  return KeyPair(std::move(key), std::move(pub));
}

Result<KeyPair> KeyPair::LoadOrCreate(const std::filesystem::path& path) {
  std::filesystem::path pub_path = path;
  pub_path += ".pub";
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    ASSIGN_OR_RETURN(KeyPair pair, Generate());
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_PrivateKey(bio.get(), pair.key_.get(), nullptr, nullptr, 0, nullptr,
                                         nullptr) != 1) {
      return InternalError("cannot encode the private key: {}", OpenSslError());
    }
    if (!path.parent_path().empty()) std::filesystem::create_directories(path.parent_path(), ec);
    RETURN_IF_ERROR(WriteNewFile(path, BioContents(bio.get()), 0600));
    std::filesystem::remove(pub_path, ec);
    RETURN_IF_ERROR(WriteNewFile(pub_path, pair.public_.pem(), 0644));
    return pair;
  }
  ASSIGN_OR_RETURN(std::string pem, ReadFile(path));
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  PkeyPtr key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  if (!key)
    return InvalidArgumentError("{}: not a PEM private key: {}", path.string(), OpenSslError());
  if (EVP_PKEY_id(key.get()) != EVP_PKEY_ED25519) {
    return InvalidArgumentError("{}: not an Ed25519 key", path.string());
  }
  ASSIGN_OR_RETURN(PublicKey pub, PublicOf(key.get()));
  ASSIGN_OR_RETURN(PublicKey stored, PublicKey::Load(pub_path));
  if (stored.key_id() != pub.key_id()) {
    return DataLossError("{}: the public key (id {}) does not belong to the private key {} (id {})",
                         pub_path.string(), stored.key_id(), path.string(), pub.key_id());
  }
  return KeyPair(std::move(key), std::move(pub));
}

Result<std::string> KeyPair::Sign(std::string_view message) const {
  std::unique_ptr<EVP_MD_CTX, MdCtxDeleter> ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key_.get()) != 1) {
    return InternalError("cannot start signing: {}", OpenSslError());
  }
  std::string signature(64, '\0');
  size_t size = signature.size();
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &size,
                     reinterpret_cast<const unsigned char*>(message.data()), message.size()) != 1) {
    return InternalError("cannot sign: {}", OpenSslError());
  }
  signature.resize(size);
  return signature;
}

}  // namespace cairn::ledger
