// This file implements the collection attached to a file (OpenFile): every
// Add and Delete appended to the log beside the snapshot before it
// returns (wal.go), compaction of the log into a new snapshot (Compact,
// and automatically past a threshold), and Close.

package ganada

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"

	"github.com/ganada/ganada/embed"
	"github.com/ganada/ganada/errs"
	"github.com/ganada/ganada/internal/atomicfile"
	"github.com/ganada/ganada/internal/persist"
)

// Defaults of WithAutoCompact: the log is folded into a new snapshot once
// it holds more than a quarter of the snapshot's bytes, and at least
// 4 MiB.
const (
	DefaultCompactRatio    = 0.25
	DefaultCompactMinBytes = 4 << 20
)

// WithLogSync sets whether a collection opened with OpenFile flushes its
// log to stable storage (fsync) before Add and Delete return: true (the
// default) makes every acknowledged change survive a crash of the process
// and of the machine (power loss); false leaves flushing to the operating
// system, so acknowledged changes survive the process being killed (they
// are in the kernel's cache) but the last few seconds of them may be lost
// with the machine, and a log damaged so becomes errs.ErrCorrupt when a
// later change reached the disk and an earlier one did not. Compactions
// flush in both cases. Other collections ignore it.
func WithLogSync(on bool) Option {
	return func(c *config) error {
		c.logNoSync = !on
		return nil
	}
}

// WithAutoCompact sets when a collection opened with OpenFile folds its
// log into a new snapshot on its own: after an Add or Delete that leaves
// the log larger than ratio times the snapshot and larger than minBytes
// (defaults DefaultCompactRatio and DefaultCompactMinBytes). The
// compaction runs in the background (the Add returns at once; later
// writers wait for it as they wait for Save, queries do not). ratio 0
// turns it off (Compact or Save then compact). ratio must be finite and
// ≥ 0, minBytes ≥ 0; other collections ignore it.
func WithAutoCompact(ratio float64, minBytes int64) Option {
	return func(c *config) error {
		if math.IsNaN(ratio) || math.IsInf(ratio, 0) || ratio < 0 {
			return fmt.Errorf("ganada: WithAutoCompact(%v, %d): ratio must be finite and ≥ 0: %w", ratio, minBytes, errs.ErrInvalidOption)
		}
		if minBytes < 0 {
			return fmt.Errorf("ganada: WithAutoCompact(%v, %d): minBytes must be ≥ 0: %w", ratio, minBytes, errs.ErrInvalidOption)
		}
		c.compactRatio, c.compactMin, c.compactSet = ratio, minBytes, true
		return nil
	}
}

// OpenFile opens the collection stored at path, or creates it there when
// path does not exist, attached to the file: every Add and Delete is
// appended to the log path+".log" (one record per call, checksummed) and
// flushed to stable storage before it returns (see WithLogSync), so a
// crash at any point loses no change that was acknowledged and applies
// none by half, and adding a few documents to a large collection writes
// those documents, not the whole file. The log is folded into a new
// snapshot of path (written atomically, as Save writes) by Compact, by
// Save(ctx, path), and automatically past WithAutoCompact's threshold.
// Call Close when done.
//
// Creating, opts are NewCollection's (WithIndex is refused: such an
// index persists itself) and an empty collection is saved at once.
// Opening, opts are Load's, and WithMetric may repeat the file's metric;
// the snapshot is read, its log replayed (a torn tail, the part of a call
// a crash interrupted, is cut off; a log left by a compaction that crashed
// after its new snapshot is ignored and replaced), and the errors are
// Load's (errs.ErrCorrupt for a damaged snapshot or log, naming the file
// and offset). One collection at a time has path open: OpenFile locks
// path+".lock" (flock on unix, LockFileEx on Windows; the file stays, the
// lock goes with Close or the process) and fails with an error wrapping
// errs.ErrInvalidInput while another collection, in this process or
// another, holds it. Load and Save do not take the lock: a Save of another
// collection over path while it is open makes the log stale, and the calls
// logged after it would be ignored on reopening.
//
// Why an option of its own rather than Load's default: Load and Save keep
// the collection in memory and the file a snapshot the caller writes when
// it chooses, which suits building an index in one go and serving it read
// only; a collection that changes while it serves and must not lose what
// it acknowledged wants every change on disk before the call returns,
// which costs a flush per Add or Delete. OpenFile is that choice, made
// where the file is named. Load of a path that has a log replays it, so
// the file reads the same whichever way it is opened.
func OpenFile(ctx context.Context, path string, enc embed.Encoder, opts ...Option) (*Collection, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("ganada: open %s: %w", path, err)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("ganada: open %s: %w", path, err)
	}
	lock, err := lockPath(path)
	if err != nil {
		return nil, err
	}
	c, err := openFile(ctx, path, abs, enc, opts)
	if err != nil {
		lock.Close()
		return nil, err
	}
	c.lock = lock
	return c, nil
}

// lockPath takes the lock of the collection at path: an exclusive lock on
// path+".lock" (created if missing, never removed), held until Close.
func lockPath(path string) (*os.File, error) {
	lp := path + ".lock"
	f, err := os.OpenFile(lp, os.O_RDWR|os.O_CREATE, 0o666)
	if err != nil {
		return nil, fmt.Errorf("ganada: open %s: lock: %w", path, err)
	}
	if err := lockFile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("ganada: open %s: %s is locked: another collection (in this process or another) has the file open: %w: %w", path, lp, errs.ErrInvalidInput, err)
	}
	return f, nil
}

// openFile is OpenFile once the lock is held.
func openFile(ctx context.Context, path, abs string, enc embed.Encoder, opts []Option) (*Collection, error) {
	atomicfile.RemoveStale(logPath(path))
	var c *Collection
	var w *walLog
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		if c, err = NewCollection(enc, opts...); err != nil {
			return nil, err
		}
		if c.cfg.kind == External {
			return nil, fmt.Errorf("ganada: open %s: WithIndex: an external index persists itself: %w", path, errs.ErrInvalidOption)
		}
		id, err := c.writeSnapshot(ctx, path)
		if err != nil {
			return nil, fmt.Errorf("ganada: open %s: %w", path, err)
		}
		if w, err = createLog(path, id, !c.cfg.logNoSync); err != nil {
			return nil, fmt.Errorf("ganada: open %s: %w", path, err)
		}
	} else if err != nil {
		return nil, fmt.Errorf("ganada: open: %w", err)
	} else {
		var id snapID
		var ls logState
		if c, id, ls, err = load(ctx, path, enc, opts, true); err != nil {
			return nil, err
		}
		if ls.matched {
			if w, err = reopenLog(path, id, ls, !c.cfg.logNoSync); err != nil {
				return nil, fmt.Errorf("ganada: open %s: %w", path, err)
			}
		} else if w, err = createLog(path, id, !c.cfg.logNoSync); err != nil {
			return nil, fmt.Errorf("ganada: open %s: %w", path, err)
		}
	}
	w.path = abs
	c.wal = w
	if !c.cfg.compactSet {
		c.cfg.compactRatio, c.cfg.compactMin = DefaultCompactRatio, DefaultCompactMinBytes
	}
	c.bgCtx, c.bgCancel = context.WithCancel(context.Background())
	return c, nil
}

// reopenLog opens the log replay found whole up to ls.end, cutting off
// (and flushing the cut of) a torn tail.
func reopenLog(path string, id snapID, ls logState, sync bool) (*walLog, error) {
	lp := logPath(path)
	f, err := os.OpenFile(lp, os.O_RDWR, 0)
	if err != nil {
		return nil, fmt.Errorf("opening the log: %w", err)
	}
	if ls.dropped > 0 {
		if err := f.Truncate(ls.end); err != nil {
			f.Close()
			return nil, fmt.Errorf("cutting the torn tail of the log %s: %w", lp, err)
		}
		if err := f.Sync(); err != nil {
			f.Close()
			return nil, fmt.Errorf("cutting the torn tail of the log %s: %w", lp, err)
		}
	}
	return &walLog{path: path, f: f, size: ls.end, seq: ls.seq, snap: id, sync: sync}, nil
}

// writeSnapshot saves c at path atomically and returns the file's
// identity. The caller holds wmu (or is the only user of c).
func (c *Collection) writeSnapshot(ctx context.Context, path string) (snapID, error) {
	var id snapID
	err := atomicfile.Write(path, func(w io.Writer) error {
		h := &crcCounter{w: w}
		if _, err := c.writeToLocked(persist.ContextWriter(ctx, h)); err != nil {
			return err
		}
		id = snapID{size: h.n, crc: h.crc, next: c.next}
		return nil
	})
	return id, err
}

// attachedTo reports whether c is attached to the file path (OpenFile).
func (c *Collection) attachedTo(path string) bool {
	c.wmu.Lock()
	w := c.wal
	c.wmu.Unlock()
	if w == nil {
		return false
	}
	if abs, err := filepath.Abs(path); err == nil && abs == w.path {
		return true
	}
	// Another name of the same file (a link).
	a, err1 := os.Stat(path)
	b, err2 := os.Stat(w.path)
	return err1 == nil && err2 == nil && os.SameFile(a, b)
}

// logCall writes a call's changes to the log of an attached collection
// (nothing otherwise), and starts a background compaction when the log
// has outgrown WithAutoCompact's threshold. The caller holds wmu.
func (c *Collection) logCall(ops logOps) error {
	if c.closed {
		return fmt.Errorf("ganada: the collection is closed: %w", errs.ErrClosed)
	}
	w := c.wal
	if w == nil {
		return nil
	}
	if err := w.append(ops); err != nil {
		return fmt.Errorf("ganada: %w", err)
	}
	r := c.cfg.compactRatio
	if r > 0 && !c.compacting && !c.closing && w.size > c.cfg.compactMin && float64(w.size) > r*float64(w.snap.size) {
		c.compacting = true
		c.bg.Add(1)
		go func() {
			defer c.bg.Done()
			err := c.compactLog(c.bgCtx, true)
			c.wmu.Lock()
			c.compacting = false
			if err != nil && c.bgCtx.Err() == nil {
				c.bgErr = err
			}
			c.wmu.Unlock()
		}()
	}
	return nil
}

// compactLog writes a new snapshot of an attached collection and starts an
// empty log for it. If the snapshot cannot be written, the old one and its
// log stand; if the new log cannot be created, the log is broken (writes
// fail until the next successful compaction or a reopening: the old log,
// which names the old snapshot, is ignored on opening, and the new
// snapshot holds its changes). auto skips the work when the log has been compacted since the
// trigger.
func (c *Collection) compactLog(ctx context.Context, auto bool) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	w := c.wal
	if w == nil || (auto && w.size == logHeaderSize) {
		return nil
	}
	if c.closed {
		return fmt.Errorf("the collection is closed: %w", errs.ErrClosed)
	}
	// A broken log is repaired here: the collection in memory holds exactly
	// the acknowledged calls (a call whose write failed was rolled back), so
	// a new snapshot of it and an empty log replace whatever the old log
	// holds.
	id, err := c.writeSnapshot(ctx, w.path)
	if err != nil {
		return fmt.Errorf("compacting the log into %s: %w", w.path, err)
	}
	nw, err := createLog(w.path, id, w.sync)
	if err != nil {
		w.broken = fmt.Errorf("compacted into %s but could not restart the log; Compact again or reopen the collection: %w", w.path, err)
		return w.broken
	}
	w.f.Close()
	nw.path = w.path
	c.wal = nw
	return nil
}

// Compact reclaims what deleted and replaced documents hold. The HNSW
// index keeps them as routing-only tombstones (also written by Save) until
// compacted; the Flat index has none. A collection opened with OpenFile
// also folds its log into a new snapshot and starts an empty log (Save to
// its path does only that); this also repairs a log that a failed write or
// flush left refusing further calls. Writers wait while it runs; queries wait while
// the index is compacted, not while the snapshot is written. Cancelling
// ctx stops the snapshot's writing and leaves the files as they were.
func (c *Collection) Compact(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.wmu.Lock()
	closed := c.closed
	c.wmu.Unlock()
	if closed {
		return fmt.Errorf("ganada: compact: the collection is closed: %w", errs.ErrClosed)
	}
	if x, ok := c.idx.(interface{ Compact() error }); ok {
		c.wmu.Lock()
		err := x.Compact()
		c.wmu.Unlock()
		if err != nil {
			return fmt.Errorf("ganada: compact: %w", err)
		}
	}
	if err := c.compactLog(ctx, false); err != nil {
		return fmt.Errorf("ganada: compact: %w", err)
	}
	return nil
}

// Close ends the writing of the collection: a running background
// compaction is cancelled (the files stay as they were before it), the log
// of a collection opened with OpenFile is closed, and Add, Delete and
// Compact fail from then on with errs.ErrClosed; queries still work. It
// returns the error of a background compaction that failed, if any (the
// changes it was folding are safe in the log). Close is idempotent.
func (c *Collection) Close() error {
	c.wmu.Lock()
	c.closing = true // no background compaction starts from now on
	c.wmu.Unlock()
	if c.bgCancel != nil {
		c.bgCancel()
	}
	c.bg.Wait()
	c.wmu.Lock()
	defer c.wmu.Unlock()
	c.closed = true
	var err error
	if c.wal != nil {
		err = c.wal.close()
	}
	if c.lock != nil {
		c.lock.Close() // releases the lock
		c.lock = nil
	}
	if c.bgErr != nil {
		err = c.bgErr
		c.bgErr = nil
	}
	if err != nil {
		return fmt.Errorf("ganada: close: %w", err)
	}
	return nil
}
