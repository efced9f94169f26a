// The pool's checkpointer: a thread that runs the WAL's passive checkpoints
// off the callers' threads, and asks a writer to start the WAL over. See
// internal.hpp.
#include "internal.hpp"
#include "statements.hpp"

#include <unistd.h>

namespace slotwise::sqlite {

Checkpointer::Checkpointer(const SqliteOptions& options)
    : connection_(options),
      restart_pages_(std::max<std::int64_t>(Connection::kCheckpointPages,
                                            options.wal_size_limit / connection_.query_integer(kPageSize))),
      owner_(static_cast<int>(::getpid())),
      thread_([this] { run(); }) {}

Checkpointer::~Checkpointer() {
    if (static_cast<int>(::getpid()) != owner_) {
        // A forked child: the thread and whoever held the mutex at the fork
        // are in the parent only, so neither is touched here.
        thread_.detach();
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
    if (static_cast<int>(::getpid()) != owner_) return false;
    // A catch-up still owed comes first: until a writer has made it, a
    // checkpoint here would only hold the lock the writer's needs.
    if (catch_up_due_.load(std::memory_order_acquire)) return true;
    // Fewer pages than the last checkpoint saw: the WAL has started over.
    const int seen = last_seen_.load(std::memory_order_relaxed);
    if (wal_pages >= seen && wal_pages - seen < Connection::kCheckpointPages) return true;
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
        due_ = false;
        lock.unlock();
        // It copies what the WAL held when it began; writers went on.
        const int pages = connection_.checkpoint();
        lock.lock();
        if (pages >= 0) last_seen_.store(pages, std::memory_order_relaxed);
        if (pages >= restart_pages_) {
            catch_up_due_.store(true, std::memory_order_release);
            // What commits asked for meanwhile, the catch-up does.
            due_ = false;
        }
    }
}

}  // namespace slotwise::sqlite
