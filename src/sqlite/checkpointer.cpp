// The pool's checkpointer: a thread that runs the WAL's passive checkpoints
// off the callers' threads, and asks a writer to start the WAL over. See
// internal.hpp.
#include "internal.hpp"
#include "statements.hpp"

#include <unistd.h>

namespace slotwise::sqlite {

Checkpointer::Checkpointer(const SqliteOptions& options)
    : connection_(std::make_unique<Connection>(options)),
      restart_pages_(std::max<std::int64_t>(Connection::kCheckpointPages,
                                            options.wal_size_limit / connection_->query_integer(kPageSize))),
      owner_(static_cast<int>(::getpid())),
      thread_([this] { run(); }) {}

bool Checkpointer::in_owner() const noexcept { return static_cast<int>(::getpid()) == owner_; }

Checkpointer::~Checkpointer() {
    if (!in_owner()) {
        // A forked child: the thread, whoever held a mutex at the fork and
        // SQLite's state on the connection are the parent's.
        thread_.detach();
        (void)connection_.release();
        return;
    }
    {
        std::lock_guard lock(mutex_);
        stop_ = true;
    }
    wake_.notify_one();
    thread_.join();
}

bool Checkpointer::request(int wal_pages) noexcept {
    int seen = last_seen_.load(std::memory_order_relaxed);
    if (wal_pages > 0 && wal_pages < seen) {
        // Fewer pages than the last checkpoint saw: the WAL has started over.
        seen = 0;
        last_seen_.store(0, std::memory_order_relaxed);
    }
    if (wal_pages < Connection::kCheckpointPages || wal_pages - seen < Connection::kCheckpointPages) return true;
    if (!in_owner()) return false;
    // A catch-up still owed comes first: until a writer has made it, a
    // checkpoint here would only hold the lock the writer's needs.
    if (catch_up_due_.load(std::memory_order_acquire)) return true;
    {
        std::lock_guard lock(mutex_);
        due_ = true;
    }
    wake_.notify_one();
    return true;
}

void Checkpointer::run() noexcept {
    std::unique_lock lock(mutex_);
    for (;;) {
        wake_.wait(lock, [&] { return due_ || stop_; });
        if (stop_) return;
        lock.unlock();
        // It copies what the WAL held when it began; writers went on.
        int pages = -1;
        {
            std::lock_guard busy(running_);
            pages = connection_->checkpoint();
        }
        lock.lock();
        if (pages >= 0) last_seen_.store(pages, std::memory_order_relaxed);
        if (pages >= restart_pages_) catch_up_due_.store(true, std::memory_order_release);
        // Commits that asked meanwhile compared the WAL with the checkpoint
        // before; the next one that finds a mark's growth since asks again.
        due_ = false;
    }
}

}  // namespace slotwise::sqlite
