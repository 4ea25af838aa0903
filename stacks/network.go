package stacks

// NetworkConfig is multiregion:network: how the regions' private subnets reach AWS APIs.
type NetworkConfig struct {
	// InterfaceEndpoints adds, in every region, interface VPC endpoints with private DNS for ECR, Logs,
	// STS and Secrets Manager (components.InterfaceEndpointServices), so that their traffic leaves the
	// NAT gateways. Each endpoint is billed per AZ-hour: it pays above the NAT break-even of
	// docs/cost.md. Default false. The free S3 gateway endpoint is always there.
	InterfaceEndpoints *bool `json:"interfaceEndpoints,omitempty"`
}
