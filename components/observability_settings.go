package components

// ArchiveLifecycle is how the central log archive ages its objects. Its JSON names are the stack's
// multiregion:observability fields. The zero value means every default (WithDefaults).
type ArchiveLifecycle struct {
	// TransitionDays moves objects to S3 Standard-IA. Default 30; at least 30 (S3's minimum).
	TransitionDays int `json:"archiveTransitionDays,omitempty"`
	// GlacierDays moves objects to S3 Glacier Flexible Retrieval. Default 90; above TransitionDays.
	GlacierDays int `json:"archiveGlacierDays,omitempty"`
	// RetentionDays deletes objects (and noncurrent versions 30 days later). Default 365; above
	// GlacierDays.
	RetentionDays int `json:"archiveRetentionDays,omitempty"`
}

// WithDefaults returns l with every unset field at its default.
func (l ArchiveLifecycle) WithDefaults() ArchiveLifecycle {
	orDefault(&l.TransitionDays, 30)
	orDefault(&l.GlacierDays, 90)
	orDefault(&l.RetentionDays, 365)
	return l
}

// Validate checks l (after WithDefaults) and returns every problem, on paths relative to l.
func (l *ArchiveLifecycle) Validate() FieldErrors {
	var f FieldErrors
	if l.TransitionDays < 30 {
		f.Add("TransitionDays", "%d: S3 moves objects to Standard-IA after at least 30 days", l.TransitionDays)
	}
	if l.GlacierDays <= l.TransitionDays {
		f.Add("GlacierDays", "%d must be above the transition to Standard-IA, %d days", l.GlacierDays, l.TransitionDays)
	}
	if l.RetentionDays <= l.GlacierDays {
		f.Add("RetentionDays", "%d must be above the transition to Glacier, %d days", l.RetentionDays, l.GlacierDays)
	}
	return f
}

// SignalSettings are the Observability thresholds and rates a deployment chooses. Their JSON names
// are the stack's multiregion:observability fields. The zero value means every default.
type SignalSettings struct {
	// ALB5xxPercent is the ALB 5xx share of requests (ELB + target 5xx) that raises the region's
	// alarm. Default 5; allowed (0, 100].
	ALB5xxPercent float64 `json:"alb5xxPercent,omitempty"`
	// SamplingRate is the X-Ray fixed sampling rate after the reservoir. Default 0.05; allowed 0-1
	// (a pointer, so that 0 turns sampling off).
	SamplingRate *float64 `json:"samplingRate,omitempty"`
}

// WithDefaults returns s with every unset field at its default.
func (s SignalSettings) WithDefaults() SignalSettings {
	orDefault(&s.ALB5xxPercent, 5)
	if s.SamplingRate == nil {
		rate := 0.05
		s.SamplingRate = &rate
	}
	return s
}

// Validate checks s (after WithDefaults) and returns every problem, on paths relative to s.
func (s *SignalSettings) Validate() FieldErrors {
	var f FieldErrors
	if s.ALB5xxPercent <= 0 || s.ALB5xxPercent > 100 {
		f.Add("ALB5xxPercent", "%v is outside (0, 100] (a percentage of requests)", s.ALB5xxPercent)
	}
	if r := s.SamplingRate; r == nil || *r < 0 || *r > 1 {
		f.Add("SamplingRate", "%v is outside 0-1 (a fraction of requests, e.g. 0.05)", deref(r))
	}
	return f
}

// deref reads an optional number, nil as 0.
func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
