package emulator

// RestoreAll makes every darkened region answer again (a drill's cleanup after a failed phase).
func (p *RegionProxy) RestoreAll() {
	p.mu.Lock()
	defer p.mu.Unlock()
	clear(p.dark)
}
