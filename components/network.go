package components

import (
	"fmt"
	"math/bits"
	"net/netip"
)

// maxSubnetPrefix is the smallest subnet we carve: a /23 (512 addresses) keeps room for Fargate ENIs,
// the ALB and the data tier in every AZ.
const maxSubnetPrefix = 23

// subnetPlan splits cidr into `count` equal, consecutive subnets: the first half public, the second
// private when count is 2*AZs. It fails when cidr is too small for subnets of at least /23.
func subnetPlan(cidr netip.Prefix, count int) ([]netip.Prefix, error) {
	if !cidr.IsValid() || !cidr.Addr().Is4() {
		return nil, fmt.Errorf("%v is not an IPv4 CIDR", cidr)
	}
	if count < 1 {
		return nil, fmt.Errorf("subnet count %d must be positive", count)
	}
	newBits := bits.Len(uint(count - 1))
	prefix := cidr.Bits() + newBits
	if prefix > maxSubnetPrefix {
		return nil, fmt.Errorf("%v is too small for %d subnets of at least /%d (use /%d or larger)",
			cidr, count, maxSubnetPrefix, maxSubnetPrefix-newBits)
	}
	base := cidr.Masked().Addr().As4()
	start := uint32(base[0])<<24 | uint32(base[1])<<16 | uint32(base[2])<<8 | uint32(base[3])
	size := uint32(1) << (32 - prefix)
	out := make([]netip.Prefix, count)
	for i := range count {
		v := start + uint32(i)*size
		addr := netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
		out[i] = netip.PrefixFrom(addr, prefix)
	}
	return out, nil
}

// CheckVPCCIDR reports why cidr cannot be a VPC range for azs availability zones (public and private
// subnet in each), or nil. A VPC range is an IPv4 private (RFC 1918) network between /16 and the size
// that still leaves /23 subnets.
func CheckVPCCIDR(cidr netip.Prefix, azs int) error {
	if !cidr.IsValid() || !cidr.Addr().Is4() {
		return fmt.Errorf("%v is not an IPv4 CIDR", cidr)
	}
	if cidr.Masked() != cidr {
		return fmt.Errorf("%v has host bits set (did you mean %v?)", cidr, cidr.Masked())
	}
	if cidr.Bits() < 16 {
		return fmt.Errorf("%v is larger than a /16, the largest VPC range AWS allows", cidr)
	}
	if !cidr.Addr().IsPrivate() {
		return fmt.Errorf("%v is not a private (RFC 1918) range", cidr)
	}
	_, err := subnetPlan(cidr, 2*azs)
	return err
}
