//go:build !windows

package socket

// Ioctl is Python's socket.ioctl, which exists on Windows only: here it
// returns an error matching errors.ErrUnsupported.
func (s *Socket) Ioctl(control int, option any) error {
	return &notAvailableError{"socket.ioctl"}
}

// Share is Python's socket.share, which exists on Windows only: here it
// returns an error matching errors.ErrUnsupported.
func (s *Socket) Share(processID int) ([]byte, error) {
	return nil, &notAvailableError{"socket.share"}
}
