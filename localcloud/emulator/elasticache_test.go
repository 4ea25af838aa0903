package emulator

import (
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// elastiCacheCall sends an ElastiCache query-protocol request (form-encoded POST, XML
// answer) for region to moto, and returns the status and the body.
func elastiCacheCall(t *testing.T, endpoint, region, action string, params url.Values) (int, string) {
	t.Helper()
	form := url.Values{"Action": {action}, "Version": {"2015-02-02"}}
	for k, v := range params {
		form[k] = v
	}
	req, err := http.NewRequest(http.MethodPost, endpoint+"/", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=localcloud/20260101/"+region+
		"/elasticache/aws4_request, SignedHeaders=host, Signature=0")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(body)
}

// elastiCacheValues returns the text of every element at path in an XML body, in order. The
// path is an element name, or names joined by "/" that must end the element's ancestry
// ("UserIds/member": the members of a UserIds list).
func elastiCacheValues(body, path string) []string {
	want := strings.Split(path, "/")
	var out, stack []string
	dec := xml.NewDecoder(strings.NewReader(body))
	capture := -1
	var text strings.Builder
	for {
		tok, err := dec.Token()
		if err != nil {
			if !errors.Is(err, io.EOF) {
				return append(out, "<bad xml: "+err.Error()+">")
			}
			return out
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			stack = append(stack, tok.Name.Local)
			if capture < 0 && len(stack) >= len(want) && slices.Equal(stack[len(stack)-len(want):], want) {
				capture = len(stack)
				text.Reset()
			}
		case xml.CharData:
			if capture >= 0 {
				text.Write(tok)
			}
		case xml.EndElement:
			if capture == len(stack) {
				out = append(out, strings.TrimSpace(text.String()))
				capture = -1
			}
			stack = stack[:len(stack)-1]
		}
	}
}

func TestElastiCacheGlobalDatastoreLifecycle(t *testing.T) {
	m := startMoto(t)

	// ok runs an action that must succeed and returns its body.
	ok := func(region, action string, params url.Values) string {
		t.Helper()
		status, body := elastiCacheCall(t, m.URL(), region, action, params)
		if status != http.StatusOK {
			t.Fatalf("%s in %s: status %d: %s", action, region, status, body)
		}
		return body
	}
	// fails runs an action that must fail with code and returns its body.
	fails := func(region, action string, params url.Values, code string) {
		t.Helper()
		status, body := elastiCacheCall(t, m.URL(), region, action, params)
		if status < 400 || status >= 500 || !strings.Contains(body, "<Code>"+code+"</Code>") {
			t.Errorf("%s in %s: status %d, want a %s error: %s", action, region, status, code, body)
		}
	}
	one := func(body, name string) string {
		t.Helper()
		v := elastiCacheValues(body, name)
		if len(v) == 0 {
			t.Fatalf("no %s in %s", name, body)
		}
		return v[0]
	}

	const home, secondary = "us-west-2", "us-east-1"
	for _, region := range []string{home, secondary} {
		ok(region, "CreateCacheSubnetGroup", url.Values{"CacheSubnetGroupName": {"web-" + region + "-cache"},
			"CacheSubnetGroupDescription": {"cache"}, "SubnetIds.SubnetIdentifier.1": {"subnet-12345678"}})
		ok(region, "CreateUser", url.Values{"UserId": {"web-" + region + "-default"}, "UserName": {"default"},
			"Engine": {"redis"}, "AccessString": {"off -@all"}, "AuthenticationMode.Type": {"no-password-required"}})
		ok(region, "CreateUser", url.Values{"UserId": {"web-" + region + "-app"}, "UserName": {"web-" + region + "-app"},
			"Engine": {"redis"}, "AccessString": {"on ~* +@all -@dangerous"}, "AuthenticationMode.Type": {"iam"}})

		// User groups: moto alone answers 500 (not implemented).
		ok(region, "CreateUserGroup", url.Values{"UserGroupId": {"web-" + region + "-cache"}, "Engine": {"redis"},
			"UserIds.member.1": {"web-" + region + "-default"}, "UserIds.member.2": {"web-" + region + "-app"},
			"Tags.Tag.1.Key": {"Service"}, "Tags.Tag.1.Value": {"web"}})
		body := ok(region, "DescribeUserGroups", url.Values{"UserGroupId": {"web-" + region + "-cache"}})
		if got := elastiCacheValues(body, "UserIds/member"); len(got) != 2 || one(body, "Status") != "active" {
			t.Errorf("DescribeUserGroups in %s: users %v, status %s", region, got, one(body, "Status"))
		}
		arn := one(body, "ARN")
		tags := ok(region, "ListTagsForResource", url.Values{"ResourceName": {arn}})
		if one(tags, "Value") != "web" {
			t.Errorf("tags of %s: %s", arn, tags)
		}
	}
	fails(home, "DescribeUserGroups", url.Values{"UserGroupId": {"nothing"}}, "UserGroupNotFound")
	fails(home, "CreateUserGroup", url.Values{"UserGroupId": {"no-default"}, "Engine": {"redis"},
		"UserIds.member.1": {"web-" + home + "-app"}}, "DefaultUserRequired")

	// The primary: two nodes (moto made one), each describable as a cache cluster.
	body := ok(home, "CreateReplicationGroup", url.Values{"ReplicationGroupId": {"web-" + home},
		"ReplicationGroupDescription": {"web cache"}, "NumCacheClusters": {"2"}, "AutomaticFailoverEnabled": {"true"},
		"MultiAZEnabled": {"true"}, "CacheNodeType": {"cache.r7g.large"}, "Engine": {"redis"}, "EngineVersion": {"7.1"},
		"CacheSubnetGroupName": {"web-" + home + "-cache"}, "SecurityGroupIds.SecurityGroupId.1": {"sg-12345678"},
		"UserGroupIds.member.1": {"web-" + home + "-cache"}, "AtRestEncryptionEnabled": {"true"},
		"TransitEncryptionEnabled": {"true"}, "SnapshotRetentionLimit": {"7"}})
	members := elastiCacheValues(body, "MemberClusters/ClusterId")
	if len(members) != 2 {
		t.Fatalf("CreateReplicationGroup: member clusters %v, want 2", members)
	}
	body = ok(home, "DescribeCacheClusters", url.Values{"CacheClusterId": {members[0]}, "ShowCacheNodeInfo": {"true"}})
	if one(body, "EngineVersion") != "7.1.0" || one(body, "SecurityGroupId") != "sg-12345678" ||
		one(body, "CacheSubnetGroupName") != "web-"+home+"-cache" {
		t.Errorf("DescribeCacheClusters %s: %s", members[0], body)
	}
	body = ok(home, "DescribeUserGroups", url.Values{"UserGroupId": {"web-" + home + "-cache"}})
	if got := elastiCacheValues(body, "ReplicationGroups/member"); len(got) != 1 || got[0] != "web-"+home {
		t.Errorf("the user group does not list its replication group: %s", body)
	}

	// The Global Datastore, and a secondary that joins it from another region.
	body = ok(home, "CreateGlobalReplicationGroup", url.Values{"GlobalReplicationGroupIdSuffix": {"web-global"},
		"GlobalReplicationGroupDescription": {"web Global Datastore"}, "PrimaryReplicationGroupId": {"web-" + home}})
	global := one(body, "GlobalReplicationGroupId")
	if !strings.HasSuffix(global, "-web-global") || one(body, "Status") != "primary-only" {
		t.Fatalf("CreateGlobalReplicationGroup: %s", body)
	}
	// AWS gives each member of a Global Datastore a parameter group of its own.
	globalParams := "global-datastore-" + global
	ok(home, "DescribeCacheParameterGroups", url.Values{"CacheParameterGroupName": {globalParams}})
	body = ok(secondary, "CreateReplicationGroup", url.Values{"ReplicationGroupId": {"web-" + secondary},
		"ReplicationGroupDescription": {"web cache"}, "NumCacheClusters": {"2"}, "MultiAZEnabled": {"true"},
		"GlobalReplicationGroupId": {global}, "CacheSubnetGroupName": {"web-" + secondary + "-cache"},
		"UserGroupIds.member.1": {"web-" + secondary + "-cache"}})
	if one(body, "GlobalReplicationGroupMemberRole") != "SECONDARY" || one(body, "CacheNodeType") != "cache.r7g.large" ||
		one(body, "AutomaticFailover") != "enabled" || one(body, "TransitEncryptionEnabled") != "true" {
		t.Errorf("the secondary did not take the datastore's settings: %s", body)
	}
	body = ok("eu-west-1", "DescribeGlobalReplicationGroups", url.Values{"GlobalReplicationGroupId": {global},
		"ShowMemberInfo": {"true"}})
	if got := elastiCacheValues(body, "Role"); len(got) != 2 || got[0] != "PRIMARY" || got[1] != "SECONDARY" ||
		one(body, "Status") != "available" {
		t.Errorf("DescribeGlobalReplicationGroups: %s", body)
	}
	ok(home, "ModifyGlobalReplicationGroup", url.Values{"GlobalReplicationGroupId": {global}, "ApplyImmediately": {"true"},
		"GlobalReplicationGroupDescription": {"changed"}})
	body = ok(home, "ModifyReplicationGroup", url.Values{"ReplicationGroupId": {"web-" + home},
		"ApplyImmediately": {"true"}, "SnapshotRetentionLimit": {"3"}})
	if one(body, "SnapshotRetentionLimit") != "3" {
		t.Errorf("ModifyReplicationGroup: %s", body)
	}
	fails(home, "DeleteGlobalReplicationGroup", url.Values{"GlobalReplicationGroupId": {global},
		"RetainPrimaryReplicationGroup": {"true"}}, "InvalidGlobalReplicationGroupState")
	fails(secondary, "DeleteReplicationGroup", url.Values{"ReplicationGroupId": {"web-" + secondary}},
		"InvalidReplicationGroupState")

	// Failover: the secondary becomes the primary, in the datastore and in its group.
	body = ok(secondary, "FailoverGlobalReplicationGroup", url.Values{"GlobalReplicationGroupId": {global},
		"PrimaryRegion": {secondary}, "PrimaryReplicationGroupId": {"web-" + secondary}})
	if got := elastiCacheValues(body, "Role"); len(got) != 2 || got[0] != "SECONDARY" || got[1] != "PRIMARY" {
		t.Errorf("FailoverGlobalReplicationGroup: %s", body)
	}
	body = ok(home, "DescribeReplicationGroups", url.Values{"ReplicationGroupId": {"web-" + home}})
	if one(body, "GlobalReplicationGroupMemberRole") != "SECONDARY" {
		t.Errorf("the former primary's role: %s", body)
	}

	// Disassociate the former primary (now a secondary); the primary cannot be.
	fails(home, "DisassociateGlobalReplicationGroup", url.Values{"GlobalReplicationGroupId": {global},
		"ReplicationGroupId": {"web-" + secondary}, "ReplicationGroupRegion": {secondary}}, "InvalidParameterValue")
	body = ok(home, "DisassociateGlobalReplicationGroup", url.Values{"GlobalReplicationGroupId": {global},
		"ReplicationGroupId": {"web-" + home}, "ReplicationGroupRegion": {home}})
	if got := elastiCacheValues(body, "ReplicationGroupId"); len(got) != 1 || got[0] != "web-"+secondary {
		t.Errorf("DisassociateGlobalReplicationGroup left members %v", got)
	}
	body = ok(home, "DescribeReplicationGroups", url.Values{"ReplicationGroupId": {"web-" + home}})
	if strings.Contains(body, "GlobalReplicationGroupInfo") {
		t.Errorf("the disassociated group still reports its datastore: %s", body)
	}

	// Delete everything.
	ok(secondary, "DeleteGlobalReplicationGroup", url.Values{"GlobalReplicationGroupId": {global},
		"RetainPrimaryReplicationGroup": {"true"}})
	fails(home, "DescribeGlobalReplicationGroups", url.Values{"GlobalReplicationGroupId": {global}},
		"GlobalReplicationGroupNotFoundFault")
	fails(home, "DeleteCacheSubnetGroup", url.Values{"CacheSubnetGroupName": {"web-" + home + "-cache"}},
		"CacheSubnetGroupInUse")
	fails(home, "DeleteUserGroup", url.Values{"UserGroupId": {"web-" + home + "-cache"}}, "InvalidUserGroupState")
	for _, region := range []string{home, secondary} {
		ok(region, "DeleteReplicationGroup", url.Values{"ReplicationGroupId": {"web-" + region},
			"FinalSnapshotIdentifier": {"web-" + region + "-final"}})
		fails(region, "DescribeReplicationGroups", url.Values{"ReplicationGroupId": {"web-" + region}},
			"ReplicationGroupNotFoundFault")
		// The provider deletes a member's parameter group with the member.
		ok(region, "DeleteCacheParameterGroup", url.Values{"CacheParameterGroupName": {globalParams}})
		fails(region, "DescribeCacheParameterGroups", url.Values{"CacheParameterGroupName": {globalParams}},
			"CacheParameterGroupNotFound")
		if body := ok(region, "DescribeSnapshots", url.Values{"SnapshotName": {"web-" + region + "-final"}}); one(body, "SnapshotName") != "web-"+region+"-final" {
			t.Errorf("no final snapshot in %s: %s", region, body)
		}
		ok(region, "DeleteUserGroup", url.Values{"UserGroupId": {"web-" + region + "-cache"}})
		fails(region, "DescribeUserGroups", url.Values{"UserGroupId": {"web-" + region + "-cache"}}, "UserGroupNotFound")
		// moto alone has no DeleteCacheSubnetGroup.
		ok(region, "DeleteCacheSubnetGroup", url.Values{"CacheSubnetGroupName": {"web-" + region + "-cache"}})
		fails(region, "DescribeCacheSubnetGroups", url.Values{"CacheSubnetGroupName": {"web-" + region + "-cache"}},
			"CacheSubnetGroupNotFoundFault")
	}
}
