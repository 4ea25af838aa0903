package emulator

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// TestBucketReplicationReadsBackAsPut: GetBucketReplication answers the rules as they were put, with
// their delete-marker replication and source selection criteria (moto answered Disabled and dropped
// the criteria, which the provider read as drift of the state backend's replication).
func TestBucketReplicationReadsBackAsPut(t *testing.T) {
	m := startMoto(t)
	ctx := t.Context()
	s3 := func(method, path, body string) string {
		t.Helper()
		out, err := send(ctx, m.URL(), method, path, "s3", "us-west-2", "application/xml", body)
		if err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		return string(out)
	}
	for _, b := range []string{"src", "dst"} {
		s3(http.MethodPut, "/"+b, `<CreateBucketConfiguration><LocationConstraint>us-west-2</LocationConstraint></CreateBucketConfiguration>`)
		s3(http.MethodPut, "/"+b+"?versioning", `<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>`)
	}
	s3(http.MethodPut, "/src?replication", `<ReplicationConfiguration><Role>arn:aws:iam::123456789012:role/r</Role><Rule>`+
		`<ID>state</ID><Priority>1</Priority><Status>Enabled</Status><Filter><Prefix></Prefix></Filter>`+
		`<DeleteMarkerReplication><Status>Enabled</Status></DeleteMarkerReplication>`+
		`<SourceSelectionCriteria><SseKmsEncryptedObjects><Status>Enabled</Status></SseKmsEncryptedObjects>`+
		`<ReplicaModifications><Status>Enabled</Status></ReplicaModifications></SourceSelectionCriteria>`+
		`<Destination><Bucket>arn:aws:s3:::dst</Bucket></Destination></Rule></ReplicationConfiguration>`)
	got := s3(http.MethodGet, "/src?replication", "")
	for _, want := range []string{
		"<DeleteMarkerReplication><Status>Enabled</Status></DeleteMarkerReplication>",
		"<SseKmsEncryptedObjects><Status>Enabled</Status></SseKmsEncryptedObjects>",
		"<ReplicaModifications><Status>Enabled</Status></ReplicaModifications>",
		"<Bucket>arn:aws:s3:::dst</Bucket>",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("GetBucketReplication lacks %s:\n%s", want, got)
		}
	}
	if !regexp.MustCompile(`<Filter><Prefix(/>|></Prefix>)</Filter>`).MatchString(got) {
		t.Errorf("GetBucketReplication lacks the empty prefix filter:\n%s", got)
	}
	if _, err := send(ctx, m.URL(), http.MethodGet, "/dst?replication", "s3", "us-west-2", "application/xml", ""); err == nil {
		t.Error("a bucket without replication must answer an error")
	}
}
