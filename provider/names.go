package provider

import (
	"reflect"
	"strings"
)

// initialismList holds the words Go identifiers in this module spell in capitals (Go's own initialisms
// and AWS's), plus XRay, AWS's X-Ray, which the identifiers spell as one word. A property name writes
// each of them as one word: KMSKeyARN -> kmsKeyArn, VPCID -> vpcId, XRayDaemonImage ->
// xrayDaemonImage.
const initialismList = "ACL ACM AKS ALB API ARN AZ CIDR CPU DB DNS ECR ECS EKS HTTP HTTPS IAM ID IP JSON KMS " +
	"NAT RDS S3 SNS SQS SSM TCP TLS TTL UDP URI URL VPC WAF XRay"

// PropertyName is the schema property name of a Go struct field called field: its words in
// lowerCamelCase, where a word is an initialism of initialismList (with an optional plural "s"), a run
// of capitals, or a capital followed by lowercase letters and digits. The first word is written in
// lowercase and every other word with one leading capital:
//
//	KMSKeyARN -> kmsKeyArn, VPCID -> vpcId, CIDR -> cidr, NATPerAZ -> natPerAz,
//	HealthCheckIDs -> healthCheckIds, PeerCIDRs -> peerCidrs, ALBARNSuffix -> albArnSuffix.
//
// A field with a json tag takes the tag's name instead (see fieldName).
func PropertyName(field string) string {
	words := splitWords(field, strings.Fields(initialismList))
	var b strings.Builder
	b.Grow(len(field))
	for i, w := range words {
		if i == 0 {
			b.WriteString(strings.ToLower(w))
			continue
		}
		b.WriteString(strings.ToUpper(w[:1]))
		b.WriteString(strings.ToLower(w[1:]))
	}
	return b.String()
}

// splitWords splits a Go identifier into its words (see PropertyName).
func splitWords(s string, initialisms []string) []string {
	var words []string
	for i := 0; i < len(s); {
		if n := initialismAt(s, i, initialisms); n > 0 {
			words = append(words, s[i:i+n])
			i += n
			continue
		}
		j := i + 1
		if isUpper(s[i]) {
			// A run of capitals is one word, up to the capital that starts a capitalised word or an
			// initialism.
			for j < len(s) && isUpper(s[j]) && initialismAt(s, j, initialisms) == 0 && (j+1 >= len(s) || !isLower(s[j+1])) {
				j++
			}
		}
		for j < len(s) && (isLower(s[j]) || isDigit(s[j])) {
			j++
		}
		words = append(words, s[i:j])
		i = j
	}
	return words
}

// initialismAt returns the length of the initialism (with its plural "s") that starts s[i:] as a
// whole word, or 0. The longest initialism wins (HTTPS over HTTP).
func initialismAt(s string, i int, initialisms []string) int {
	best := 0
	for _, w := range initialisms {
		if len(w) <= best || !strings.HasPrefix(s[i:], w) {
			continue
		}
		end := i + len(w)
		switch {
		case end == len(s) || !isLower(s[end]):
			best = len(w)
		case s[end] == 's' && (end+1 == len(s) || !isLower(s[end+1])):
			best = len(w) + 1
		}
	}
	return best
}

func isUpper(c byte) bool { return 'A' <= c && c <= 'Z' }
func isLower(c byte) bool { return 'a' <= c && c <= 'z' }
func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// fieldName returns the property name of struct field f: the name of its json tag when it has one
// (`json:"nodeType,omitempty"` -> nodeType), else PropertyName(f.Name). A json tag of "-" keeps a
// field out of the stack's JSON configuration, not out of the component's inputs: such a field
// (CacheSpec.AuthToken, ServiceSpec.ImageTag) is named by PropertyName.
func fieldName(f reflect.StructField) string {
	if tag, ok := f.Tag.Lookup("json"); ok {
		if name, _, _ := strings.Cut(tag, ","); name != "" && name != "-" {
			return name
		}
	}
	return PropertyName(f.Name)
}
