// `slotwise serve` as a process: the first start mints and prints an admin
// key (later starts do not), and SIGTERM while a request is half sent stops
// accepting at once but lets that request finish and commit, then exits 0.
#include "support/temp_dir.hpp"

#include <slotwise/api_keys.hpp>
#include <slotwise/engine.hpp>
#include <slotwise/sqlite.hpp>

#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

using namespace slotwise;

namespace {

struct Serve {
    pid_t pid = -1;
    FILE* out = nullptr;
    int port = 0;
    std::string admin_key;

    explicit Serve(const std::string& db) {
        int fds[2];
        REQUIRE(pipe(fds) == 0);
        pid = fork();
        REQUIRE(pid >= 0);
        if (pid == 0) {
            dup2(fds[1], STDOUT_FILENO);
            close(fds[0]);
            close(fds[1]);
            execl(SLOTWISE_CLI, SLOTWISE_CLI, "serve", db.c_str(), "--port", "0", static_cast<char*>(nullptr));
            _exit(127);
        }
        close(fds[1]);
        out = fdopen(fds[0], "r");
        char line[512];
        while (fgets(line, sizeof line, out) != nullptr) {
            const std::string l(line);
            if (l.starts_with("admin key: ")) admin_key = l.substr(11, l.size() - 12);
            if (l.starts_with("listening on http://127.0.0.1:")) {
                port = std::stoi(l.substr(30));
                break;
            }
        }
        REQUIRE(port > 0);
    }
    ~Serve() {
        if (pid > 0) {
            kill(pid, SIGKILL);
            waitpid(pid, nullptr, 0);
        }
        if (out) fclose(out);
    }
    int stop_and_wait() {
        int status = 0;
        waitpid(pid, &status, 0);
        pid = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
};

int connect_to(int port) {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

void send_all(int fd, const std::string& s) {
    std::size_t sent = 0;
    while (sent < s.size()) {
        const auto n = send(fd, s.data() + sent, s.size() - sent, MSG_NOSIGNAL);
        REQUIRE(n > 0);
        sent += static_cast<std::size_t>(n);
    }
}

}  // namespace

TEST_CASE("SIGTERM mid-request: no new connections, the request in flight finishes and commits, exit 0") {
    test::TempDir dir;
    const auto db = dir.file("shop.db");
    std::string key;
    {
        Serve s(db);
        REQUIRE(s.admin_key.starts_with("swk_"));
        key = s.admin_key;

        const std::string body = R"({"name":"Half","timezone":"Europe/Rome"})";
        const int fd = connect_to(s.port);
        REQUIRE(fd >= 0);
        send_all(fd, "POST /v1/resources HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + key +
                         "\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: " +
                         std::to_string(body.size()) + "\r\n\r\n" + body.substr(0, 10));
        std::this_thread::sleep_for(std::chrono::milliseconds{300});
        REQUIRE(kill(s.pid, SIGTERM) == 0);
        std::this_thread::sleep_for(std::chrono::milliseconds{300});
        const int late = connect_to(s.port);
        CHECK(late < 0);  // the listening socket is closed
        if (late >= 0) close(late);
        send_all(fd, body.substr(10));
        std::string response;
        char buf[4096];
        for (ssize_t n; (n = recv(fd, buf, sizeof buf, 0)) > 0;) response.append(buf, static_cast<std::size_t>(n));
        close(fd);
        CHECK(response.starts_with("HTTP/1.1 201"));
        CHECK(response.find("\"name\":\"Half\"") != std::string::npos);
        CHECK(s.stop_and_wait() == 0);
    }
    // What the request wrote is there; the key still works; a second start mints no key.
    {
        Engine engine(open_sqlite({.path = db}));
        const auto k = authenticate_api_key(engine, key);
        REQUIRE(k);
        const auto resources = engine.scope(principal_of(*k)).resources();
        REQUIRE(resources.size() == 1);
        CHECK(resources[0].name == "Half");
    }
    Serve again(db);
    CHECK(again.admin_key.empty());
    kill(again.pid, SIGINT);
    CHECK(again.stop_and_wait() == 0);
}
