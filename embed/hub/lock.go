// lock.go takes the cross-process file lock that guards a download
// (.locks/{repo folder}/{etag}.lock, as huggingface_hub's filelock), so
// that two processes sharing a cache do not write the same .incomplete
// file at once.

package hub

import (
	"context"
	"fmt"
	"os"
	"time"
)

// Polls for a held lock file wait lockPollMin, doubled after each failed
// try up to lockPollMax.
const (
	lockPollMin = 5 * time.Millisecond
	lockPollMax = 100 * time.Millisecond
)

// lockFile takes an exclusive OS lock on path (created if needed; it is
// never removed, since another process may hold or await it), waiting
// until the lock is free or ctx is done, then returning ctx.Err(). The
// returned function releases the lock. Within one process the lock also
// excludes another holder on a different open file (flock and LockFileEx
// lock open files, not processes); on platforms without file locking
// (lockSupported false) it only creates the file.
func lockFile(ctx context.Context, path string) (unlock func(), err error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("hub: lock: %w", err)
	}
	wait := lockPollMin
	for {
		ok, err := tryLock(f)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("hub: lock %s: %w", path, err)
		}
		if ok {
			return func() {
				_ = unlockFile(f)
				f.Close()
			}, nil
		}
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			f.Close()
			return nil, ctx.Err()
		}
		wait = min(2*wait, lockPollMax)
	}
}
