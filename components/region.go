package components

// GlobalRegion is us-east-1, the home of AWS's global services: CloudFront's ACM certificates and WAF
// web ACL live there, and Route 53 health checks and CloudFront publish their metrics there.
const GlobalRegion = "us-east-1"

// AcceleratorRegion is us-west-2, where the Global Accelerator API lives and publishes its metrics:
// accelerator resources use this region's provider, whatever the workload regions.
const AcceleratorRegion = "us-west-2"

// HealthCheckMetricsRegion is where Route 53 publishes health-check metrics (and so where their
// alarms must live); CloudFront publishes its metrics there too. It is GlobalRegion.
const HealthCheckMetricsRegion = GlobalRegion

// AcceleratorMetricsRegion is where Global Accelerator publishes its metrics. It is AcceleratorRegion.
const AcceleratorMetricsRegion = AcceleratorRegion
