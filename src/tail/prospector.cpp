#include "logship/tail/prospector.h"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "logship/common/logging.h"
#include "logship/tail/state_scope.h"

namespace logship::tail {

ProspectorMetrics ProspectorMetrics::in(metrics::Registry& r) {
  return {&r.counter("logship_tail_lines_read_total", "Lines read from files"),
          &r.counter("logship_tail_files_opened_total", "Files opened by harvesters"),
          &r.counter("logship_tail_files_closed_total", "Files closed by harvesters"),
          &r.counter("logship_tail_files_truncated_total", "Truncations (copytruncate) detected")};
}

Prospector::Prospector(const InputConfig& input, const Shipper& shipper, Registry* registry, ProspectorOptions options,
                       metrics::Registry& m, TimeSource& time)
    : input_(input),
      shipper_(shipper),
      acks_(shipper.acks),
      registry_(registry),
      options_(options),
      time_(time),
      scope_(stateScope(input)),
      scanner_(input.paths, input.exclude_files),
      metrics_(ProspectorMetrics::in(m)) {}

Prospector::~Prospector() = default;

void Prospector::scan(Clock::time_point now) {
  scanned_ = true;
  waiting_.clear();
  bool complete = true;
  for (const auto& f : scanner_.scan()) {
    if (!consider(f, now)) {
      complete = false;  // harvester_limit: files not looked at may have moved
      break;
    }
  }
  if (complete && registry_ && (input_.clean_removed || input_.clean_inactive.count() > 0)) forgetRemovedStates();
}

void Prospector::forgetRemovedStates() {
  std::vector<std::pair<std::string, const char*>> gone;  // key, why
  const int64_t now_ms = time_.unixMillis();
  for (const auto& [key, s] : registry_->states()) {
    if (s.scope != scope_ || s.path.empty() || holds(s.identity.dev, s.identity.inode) ||
        (held_elsewhere_ && held_elsewhere_(s.identity.dev, s.identity.inode)) || !scanner_.matches(s.path))
      continue;
    if (input_.clean_inactive.count() > 0 && now_ms - s.updated_ms > input_.clean_inactive.count()) {
      gone.emplace_back(key, "clean_inactive");  // unchanged that long; ignore_older keeps it unread
      continue;
    }
    if (!input_.clean_removed) continue;
    struct stat st {};
    if (::stat(s.path.c_str(), &st) == 0) {
      if (static_cast<uint64_t>(st.st_dev) == s.identity.dev && static_cast<uint64_t>(st.st_ino) == s.identity.inode)
        continue;  // still there
    } else if (errno != ENOENT && errno != ENOTDIR) {
      continue;  // cannot tell
    }
    gone.emplace_back(key, "clean_removed");
  }
  for (const auto& [key, why] : gone) {
    log::info(*log::get("registry"), "file state forgotten",
              {{"file", registry_->states().at(key).path}, {"reason", why}});
    registry_->erase(key);
  }
}

void Prospector::recheckWaiting(Clock::time_point now) {
  if (waiting_.empty()) return;
  std::vector<FoundFile> files;
  files.swap(waiting_);
  for (auto& f : files) {
    struct stat st {};
    if (::stat(f.path.c_str(), &st) != 0 || static_cast<uint64_t>(st.st_dev) != f.dev ||
        static_cast<uint64_t>(st.st_ino) != f.inode)
      continue;  // gone or replaced: the next scan sees what is there now
    if (static_cast<uint64_t>(st.st_size) == f.size) {
      waiting_.push_back(std::move(f));  // unchanged: nothing new to identify it by
      continue;
    }
    f.size = static_cast<uint64_t>(st.st_size);
    f.mtime_ms = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1000000;
    if (!consider(f, now)) break;
  }
}

bool Prospector::consider(const FoundFile& f, Clock::time_point now) {
  // Nothing to read yet: fingerprinted once it has data, checked again at every tick.
  if (f.size == 0) {
    waiting_.push_back(f);
    return true;
  }
  const int64_t now_ms = time_.unixMillis();
  bool known = false;
  for (auto& h : harvesters_) {
    if (h->identity().dev == f.dev && h->identity().inode == f.inode) {
      if (h->path() != f.path) h->setPath(f.path);  // renamed, still matched
      known = true;
      break;
    }
  }
  for (const auto& d : draining_) {
    if (d.identity.dev == f.dev && d.identity.inode == f.inode) known = true;  // wait for its acks
  }
  if (known || (held_elsewhere_ && held_elsewhere_(f.dev, f.inode))) return true;
  if (options_.once && done_once_.count(f.path)) return true;
  if (input_.harvester_limit > 0 && harvesters_.size() >= static_cast<size_t>(input_.harvester_limit)) return false;
  const FileState* state = registry_ ? registry_->find(scope_, FileIdentity{f.dev, f.inode, 0, 0}) : nullptr;
  // A closed file found under a new name (rotated): its state follows, so that clean_removed
  // (forgetRemovedStates) judges the file where it is now, not where it was.
  if (state && state->path != f.path && !options_.from_start)
    registry_->update(FileState{state->identity, f.path, state->offset, now_ms, scope_});
  if (state && state->offset == f.size) return true;  // fully shipped, unchanged
  if (!state && !options_.from_start && input_.ignore_older.count() > 0 &&
      now_ms - f.mtime_ms > input_.ignore_older.count())
    return true;
  if (open(f, now) == Opened::kNotYet) waiting_.push_back(f);
  return true;
}

Prospector::Opened Prospector::open(const FoundFile& f, Clock::time_point now) {
  auto logger = log::get("tail");
  const int fd = ::open(f.path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    log::warn(*logger, "cannot open file", {{"file", f.path}, {"error", std::strerror(errno)}});
    return Opened::kNo;
  }
  FileIdentity identity;
  const Identify identified = identify(fd, identity);
  if (identified == Identify::kIoError) {
    ::close(fd);
    return Opened::kNo;
  }
  uint64_t offset = 0;
  const FileState* state = registry_ && !options_.from_start ? registry_->find(scope_, identity) : nullptr;
  // A registry entry keeps its stored fingerprint (entries written before fingerprints covered
  // only the first line hash a different prefix): the ids of its events stay what they were.
  const bool resumed = state && fingerprintMatches(fd, state->identity) && state->offset <= f.size;
  if (resumed) {
    offset = state->offset;
    identity = state->identity;
  } else if (identified == Identify::kTooShort) {
    ::close(fd);  // no complete first line yet, so nothing to ship: identified once it has one
    return Opened::kNotYet;
  } else if (state) {
    log::info(*logger, "file identity changed (inode reused or truncated): reading from the start",
              {{"file", f.path}, {"old_offset", state->offset}});
  } else if (input_.tail_files && !options_.from_start) {
    offset = f.size;
  }
  const auto slot = acks_.open(offset);
  harvesters_.push_back(std::make_unique<Harvester>(shipper_, fd, f.path, identity, offset, slot, now));
  metrics_.opened->inc();
  log::info(*logger, "harvester started", {{"file", f.path}, {"offset", offset}, {"inode", identity.inode}});
  if (registry_) registry_->update(FileState{identity, f.path, offset, time_.unixMillis(), scope_});
  return Opened::kYes;
}

void Prospector::close(size_t index, const char* reason, Clock::time_point now) {
  auto& h = harvesters_[index];
  h->flushMultiline(now, true);
  if (h->state() == Harvester::State::kError) {
    log::info(*log::get("tail"), "harvester closed",
              {{"file", h->path()},
               {"reason", reason},
               {"offset", h->readOffset()},
               {"error", std::strerror(h->readErrno())}});
  } else {
    log::info(*log::get("tail"), "harvester closed",
              {{"file", h->path()}, {"reason", reason}, {"offset", h->readOffset()}});
  }
  if (options_.once) done_once_.insert(h->path());
  draining_.push_back(Draining{h->identity(), h->path(), h->ackFile(), std::string_view(reason) == "removed"});
  harvesters_.erase(harvesters_.begin() + static_cast<std::ptrdiff_t>(index));
  metrics_.closed->inc();
  if (next_ > index && next_ > 0) --next_;
}

size_t Prospector::harvest(size_t budget, Clock::time_point now) {
  size_t total = 0;
  const size_t n = harvesters_.size();
  for (size_t k = 0; k < n && total < budget; ++k) {
    Harvester& h = *harvesters_[(next_ + k) % n];
    // Small slices keep files fair and let the caller re-check backpressure often.
    const size_t got = h.read(std::min<size_t>(budget - total, 1024), now);
    total += got;
  }
  if (n > 0) next_ = (next_ + 1) % n;
  metrics_.lines->inc(total);
  return total;
}

void Prospector::checkAtEof(size_t index, Clock::time_point now) {
  Harvester& h = *harvesters_[index];
  if (h.state() == Harvester::State::kError) {
    close(index, "read error", now);
    return;
  }
  if (options_.once) {
    h.flushMultiline(now, true);
    close(index, "eof (--once)", now);
    return;
  }
  switch (h.checkRotation()) {
    case Harvester::Change::kTruncated:
      if (restartTruncated(index, now)) return;
      break;  // not re-identified yet: may still close as inactive
    case Harvester::Change::kRemoved:
      if (input_.close_removed) close(index, "removed", now);
      return;
    case Harvester::Change::kRenamed:
      if (input_.close_renamed) {
        close(index, "renamed", now);
        return;
      }
      break;
    case Harvester::Change::kNone:
      break;
  }
  if (input_.close_eof) {
    close(index, "eof (close_eof)", now);  // opened again by a scan once the file has grown
    return;
  }
  if (input_.close_inactive.count() > 0 && now - h.lastActivity() >= input_.close_inactive)
    close(index, "inactive", now);
}

bool Prospector::restartTruncated(size_t index, Clock::time_point now) {
  Harvester& h = *harvesters_[index];
  FileIdentity fresh;
  switch (identify(h.fd(), fresh)) {
    case Identify::kOk:
      break;
    case Identify::kTooShort:
      return false;  // rewritten but no first line yet: checked again on the next tick
    case Identify::kIoError:
      close(index, "truncated, cannot re-identify", now);
      return true;
  }
  metrics_.truncations->inc();
  h.flushMultiline(now, true);
  log::info(*log::get("tail"), "file truncated (copytruncate): reading again from offset 0",
            {{"file", h.path()}, {"old_offset", h.readOffset()}});
  draining_.push_back(Draining{h.identity(), h.path(), h.ackFile()});
  h.restartFromZero(fresh, acks_.open(0));
  return true;
}

void Prospector::tick(Clock::time_point now) {
  for (size_t i = harvesters_.size(); i-- > 0;) {
    // Filebeat's close_timeout: a harvester's lifetime, reading or not (a multiline event in
    // progress is shipped as far as read, as in Filebeat); the next scan opens the file again.
    if (input_.close_timeout.count() > 0 && now - harvesters_[i]->openedAt() >= input_.close_timeout) {
      close(i, "close_timeout", now);
      continue;
    }
    harvesters_[i]->flushMultiline(now, false);
    if (harvesters_[i]->state() != Harvester::State::kReading) {
      checkAtEof(i, now);
    } else if (now - last_truncation_check_ >= kTruncationCheckEvery && harvesters_[i]->truncated()) {
      // Mid-file (a backlog, or reading paused while Kafka is down): a copytruncate must not
      // wait for EOF, or the file may have grown past our offset again and we would read on
      // from the middle of new data.
      restartTruncated(i, now);
    }
  }
  if (now - last_truncation_check_ >= kTruncationCheckEvery) last_truncation_check_ = now;
  recheckWaiting(now);
  syncRegistry();
}

void Prospector::syncRegistry() {
  const int64_t now_ms = time_.unixMillis();
  for (const auto& h : harvesters_) {
    if (registry_)
      registry_->update(FileState{h->identity(), h->path(), acks_.committed(h->ackFile()), now_ms, scope_});
  }
  for (size_t i = draining_.size(); i-- > 0;) {
    const auto& d = draining_[i];
    const bool superseded = [&] {
      for (const auto& h : harvesters_) {
        if (h->identity().sameInode(d.identity)) return true;  // copytruncate: the new slot owns the state
      }
      return false;
    }();
    if (registry_ && !superseded)
      registry_->update(FileState{d.identity, d.path, acks_.committed(d.file), now_ms, scope_});
    if (acks_.pending(d.file) == 0) {
      // Filebeat's clean_removed: a deleted file whose every line is acknowledged leaves the
      // registry, so it does not grow with each day's rotated-and-deleted files.
      if (registry_ && !superseded && d.removed && input_.clean_removed) {
        registry_->remove(scope_, d.identity);
        log::info(*log::get("registry"), "removed file forgotten (clean_removed)", {{"file", d.path}});
      }
      acks_.close(d.file);
      draining_.erase(draining_.begin() + static_cast<std::ptrdiff_t>(i));
    }
  }
}

void Prospector::stop(Clock::time_point now) {
  waiting_.clear();  // a stopped input opens nothing
  for (size_t i = harvesters_.size(); i-- > 0;) close(i, "input stopped", now);
  syncRegistry();
}

bool Prospector::holds(uint64_t dev, uint64_t inode) const {
  for (const auto& h : harvesters_) {
    if (h->identity().dev == dev && h->identity().inode == inode) return true;
  }
  for (const auto& d : draining_) {
    if (d.identity.dev == dev && d.identity.inode == inode) return true;
  }
  return false;
}

bool Prospector::atEof() const {
  if (!scanned_) return false;
  for (const auto& h : harvesters_) {
    if (h->state() == Harvester::State::kReading || h->multilinePending()) return false;
  }
  return true;
}

}  // namespace logship::tail
