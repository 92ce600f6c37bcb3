// CaFile reaches the HTTP client: against an HTTPS server whose certificate is signed by a CA made
// for this test, a client with that CA file gets answers, and one without it is refused by
// certificate verification. (CaFile used to be parsed and never given to the client.)
#include <cstdlib>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include <cpprest/http_listener.h>
#include <boost/asio/ssl.hpp>

#include "logship/es/es_client.h"
#include "support/paths.h"
#include "support/process.h"

namespace logship::es {
namespace {

namespace fs = std::filesystem;
using logship::testing::TempDir;

// A CA and a server certificate for 127.0.0.1 signed by it, made with the openssl command.
void makeCertificates(const fs::path& dir) {
  const std::string d = dir.string();
  const std::string script =
      "set -e; cd '" + d +
      "';"
      "openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj /CN=logship-test-ca"
      " >/dev/null 2>&1;"
      "openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj /CN=127.0.0.1 >/dev/null 2>&1;"
      "printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\\n' > san.ext;"
      "openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2"
      " -extfile san.ext >/dev/null 2>&1";
  ASSERT_EQ(std::system(("sh -c \"" + script + "\"").c_str()), 0) << "openssl failed in " << d;
}

class HttpsServer {
 public:
  HttpsServer(const fs::path& dir, int port) {
    web::http::experimental::listener::http_listener_config config;
    const std::string cert = (dir / "server.pem").string(), key = (dir / "server.key").string();
    config.set_ssl_context_callback([cert, key](boost::asio::ssl::context& ctx) {
      ctx.use_certificate_chain_file(cert);
      ctx.use_private_key_file(key, boost::asio::ssl::context::pem);
    });
    listener_ = std::make_unique<web::http::experimental::listener::http_listener>(
        "https://127.0.0.1:" + std::to_string(port), config);
    listener_->support(web::http::methods::GET, [](web::http::http_request req) {
      req.reply(web::http::status_codes::OK, R"({"version":{"number":"8.19.21"}})", "application/json");
    });
    listener_->open().wait();
  }
  ~HttpsServer() { listener_->close().wait(); }

 private:
  std::unique_ptr<web::http::experimental::listener::http_listener> listener_;
};

TEST(EsClientTls, CaFileIsUsedToVerifyTheServer) {
  TempDir dir;
  makeCertificates(dir.path());
  const int port = logship::testing::freeLoopbackPort();
  HttpsServer server(dir.path(), port);
  const std::string url = "https://127.0.0.1:" + std::to_string(port);

  EsClientOptions with_ca;
  with_ca.hosts = {url};
  with_ca.ca_file = (dir / "ca.pem").string();
  with_ca.timeout = std::chrono::seconds(10);
  const auto ok = EsClient(with_ca).request("GET", "/", "");
  EXPECT_EQ(ok.status, 200) << ok.error;

  EsClientOptions without_ca = with_ca;
  without_ca.ca_file.clear();
  const auto refused = EsClient(without_ca).request("GET", "/", "");
  EXPECT_EQ(refused.status, 0) << "a server signed by an unknown CA was trusted";
  EXPECT_FALSE(refused.error.empty());
  // For /healthz and the error log: a TLS failure (4005) naming the host.
  const EsProblem why = describeProblem(refused);
  EXPECT_EQ(why.code, ErrorCode::kEsTls) << why.message;
  EXPECT_NE(why.message.find(url), std::string::npos) << why.message;
}

TEST(EsClientProblems, RefusedCredentialsNameHostAndReasonOthersAreNoProblem) {
  HttpResult r{401, R"({"error":{"type":"security_exception","reason":"unable to authenticate user [logship]"}})", "",
               "https://es-1:9200"};
  const EsProblem auth = describeProblem(r);
  EXPECT_EQ(auth.code, ErrorCode::kEsAuth);
  EXPECT_EQ(auth.message,
            "https://es-1:9200 refused the credentials (HTTP 401): unable to authenticate user [logship]");
  r.status = 0;
  r.error = "Connection refused";
  EXPECT_EQ(describeProblem(r).code, ErrorCode::kEsTransport);
  for (int ok : {200, 400, 409, 413}) {
    r.status = ok;
    EXPECT_EQ(describeProblem(r).code, ErrorCode::kOk) << ok;
  }
}

TEST(EsClientTls, CheckCaFileRefusesWhatCannotBeLoaded) {
  TempDir dir;
  makeCertificates(dir.path());
  EXPECT_FALSE(checkCaFile((dir / "ca.pem").string()).has_value());
  EXPECT_TRUE(checkCaFile((dir / "missing.pem").string()).has_value());
  logship::testing::writeFile(dir / "garbage.pem", "not a certificate\n");
  EXPECT_TRUE(checkCaFile((dir / "garbage.pem").string()).has_value());
}

TEST(EsClientHosts, CheckHostAcceptsWhatGoStashAccepts) {
  for (const char* ok : {"elasticsearch:9200", "http://es:9200", "https://user:pw@es.example:9243/", "127.0.0.1:9200"})
    EXPECT_FALSE(checkHost(ok).has_value()) << ok;
  for (const char* bad : {"ftp://es:21", "http://", "http://es:92 00"}) EXPECT_TRUE(checkHost(bad).has_value()) << bad;
}

}  // namespace
}  // namespace logship::es
