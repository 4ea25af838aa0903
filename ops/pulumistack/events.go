package pulumistack

import (
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/multiregion/multiregion/ops"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
)

// opSame is the engine's operation for a resource that does not change.
const opSame ops.Op = "same"

// streamGrace is how long a failed command's event stream may take to close: a CLI that failed
// before it opened the stream never closes it.
const streamGrace = 5 * time.Second

// step translates an engine step's metadata into an ops.Step. Diffs are the engine's changed keys,
// or, when it reports only a detailed diff, that diff's property paths in sorted order.
func step(m apitype.StepEventMetadata) ops.Step {
	s := ops.Step{URN: m.URN, Type: m.Type, Op: ops.Op(m.Op), Provider: m.Provider}
	switch {
	case len(m.Diffs) > 0:
		s.Diffs = slices.Clone(m.Diffs)
	case len(m.DetailedDiff) > 0:
		s.Diffs = slices.Sorted(maps.Keys(m.DetailedDiff))
	}
	return s
}

// summaryOf converts the engine's counts by operation.
func summaryOf(m map[apitype.OpType]int) ops.ChangeSummary {
	if m == nil {
		return nil
	}
	out := make(ops.ChangeSummary, len(m))
	for op, n := range m {
		out[ops.Op(op)] = n
	}
	return out
}

// collector gathers a command's engine events: the steps as the engine begins them
// (ResourcePreEvent), and the summary event's counts.
type collector struct {
	progress ops.Events
	grace    time.Duration // how long wait gives a failed command's stream

	mu    sync.Mutex
	steps []ops.Step
	sum   ops.ChangeSummary
}

func newCollector(progress ops.Events) *collector {
	return &collector{progress: progress, grace: streamGrace}
}

// add records one event and reports a step to progress.
func (c *collector) add(ev events.EngineEvent) {
	switch {
	case ev.ResourcePreEvent != nil:
		s := step(ev.ResourcePreEvent.Metadata)
		c.mu.Lock()
		c.steps = append(c.steps, s)
		c.mu.Unlock()
		if c.progress != nil {
			c.progress(s)
		}
	case ev.SummaryEvent != nil:
		c.mu.Lock()
		c.sum = summaryOf(ev.SummaryEvent.ResourceChanges)
		c.mu.Unlock()
	}
}

// consume reads ch in one goroutine until ch is closed or the returned stream is stopped (wait).
func (c *collector) consume(ch <-chan events.EngineEvent) *stream {
	s := &stream{done: make(chan struct{}), stop: make(chan struct{})}
	go func() {
		defer close(s.done)
		for {
			select {
			case ev, ok := <-ch:
				if !ok {
					return
				}
				c.add(ev)
			case <-s.stop:
				return
			}
		}
	}()
	return s
}

// stream is a running consume.
type stream struct {
	done chan struct{}
	stop chan struct{}
}

// wait waits until the stream has ended. After a command that succeeded the Automation API has
// already closed it (or is about to); after a failure it may never be opened, so wait gives it
// c.grace and then stops reading.
func (c *collector) wait(s *stream, ok bool) {
	if ok {
		<-s.done
		return
	}
	select {
	case <-s.done:
	case <-time.After(c.grace):
		close(s.stop)
		<-s.done
	}
}

// changes are the recorded steps without "same", in engine order.
func (c *collector) changes() []ops.Step {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []ops.Step
	for _, s := range c.steps {
		if s.Op != opSame {
			out = append(out, s)
		}
	}
	return out
}

// summary is the summary event's counts, nil when none came.
func (c *collector) summary() ops.ChangeSummary {
	c.mu.Lock()
	defer c.mu.Unlock()
	return maps.Clone(c.sum)
}
