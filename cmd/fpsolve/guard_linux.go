package main

import "syscall"

// freeDisk returns the bytes available to this user on the file system of
// dir; ok is false when it cannot be determined.
func freeDisk(dir string) (int64, bool) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil || st.Bsize <= 0 {
		return 0, false
	}
	free := float64(st.Bavail) * float64(st.Bsize)
	if free >= 1<<62 {
		return 1 << 62, true
	}
	return int64(free), true
}
