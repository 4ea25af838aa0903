package emulator

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// backupCall sends an AWS Backup REST-JSON request for region to moto and returns the status
// and the decoded body (nil when empty).
func backupCall(t *testing.T, m *Moto, region, method, path, body string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, m.URL()+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	scoped(req, region, "backup").Header.Set("Content-Type", "application/json")
	return roundTrip(t, req)
}

// backupOK is backupCall that fails the test unless the status is want.
func backupOK(t *testing.T, m *Moto, region, method, path, body string, want int) map[string]any {
	t.Helper()
	status, out := backupCall(t, m, region, method, path, body)
	if status != want {
		t.Fatalf("%s %s: status %d, want %d: %v", method, path, status, want, out)
	}
	return out
}

// backupError fails the test unless the request fails with the error type want.
func backupError(t *testing.T, m *Moto, region, method, path, body, want string) {
	t.Helper()
	status, out := backupCall(t, m, region, method, path, body)
	if typ, _ := out["__type"].(string); status < 400 || !strings.Contains(typ, want) {
		t.Fatalf("%s %s: status %d %v, want error %s", method, path, status, out, want)
	}
}

// jsonPath returns the value at a dotted path of maps (and list indexes as numbers).
func jsonPath(v any, path string) any {
	for _, key := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			v = x[key]
		case []any:
			i := 0
			for _, c := range key {
				i = i*10 + int(c-'0')
			}
			if i >= len(x) {
				return nil
			}
			v = x[i]
		default:
			return nil
		}
	}
	return v
}

func wantJSON(t *testing.T, out map[string]any, want map[string]any) {
	t.Helper()
	for path, w := range want {
		got, _ := json.Marshal(jsonPath(out, path))
		exp, _ := json.Marshal(w)
		if string(got) != string(exp) {
			t.Errorf("%s = %s, want %s (in %v)", path, got, exp, out)
		}
	}
}

const backupPlanDoc = `{"BackupPlanName":"plan","Rules":[
 {"RuleName":"daily","TargetBackupVaultName":"vault","ScheduleExpression":"cron(0 5 * * ? *)",
  "EnableContinuousBackup":true,"Lifecycle":{"DeleteAfterDays":35},
  "CopyActions":[{"DestinationBackupVaultArn":"arn:aws:backup:us-east-1:123456789012:backup-vault:dr","Lifecycle":{"DeleteAfterDays":14}}]},
 {"RuleName":"weekly","TargetBackupVaultName":"vault","ScheduleExpression":"cron(0 5 ? * SUN *)","Lifecycle":{"DeleteAfterDays":%d}}]}`

// TestBackupFakes holds each behaviour fake_backup.py adds to moto's AWS Backup; each subtest
// fails against plain moto 5.2.
func TestBackupFakes(t *testing.T) {
	m := startMoto(t)
	role := "arn:aws:iam::123456789012:role/backup"
	plan := func(days string) string { return strings.Replace(backupPlanDoc, "%d", days, 1) }
	createPlan := func(t *testing.T, doc string) (id, arn, version string) {
		t.Helper()
		out := backupOK(t, m, "us-west-2", http.MethodPut, "/backup/plans/", doc, http.StatusOK)
		id, _ = out["BackupPlanId"].(string)
		arn, _ = out["BackupPlanArn"].(string)
		version, _ = out["VersionId"].(string)
		if id == "" || !strings.HasPrefix(arn, "arn:aws:backup:us-west-2:123456789012:backup-plan:") {
			t.Fatalf("CreateBackupPlan returned %v", out)
		}
		return id, arn, version
	}

	// The Go SDK sends ListTags without the model's trailing slash; moto found no tags then.
	t.Run("ListTagsWithoutTrailingSlash", func(t *testing.T) {
		for _, region := range []string{"us-west-2", "us-east-1"} {
			key := "arn:aws:kms:" + region + ":123456789012:key/11111111-2222-3333-4444-555555555555"
			backupOK(t, m, region, http.MethodPut, "/backup-vaults/tags-"+region,
				`{"EncryptionKeyArn":"`+key+`","BackupVaultTags":{"env":"test"}}`, http.StatusOK)
			arn := "arn:aws:backup:" + region + ":123456789012:backup-vault:tags-" + region
			out := backupOK(t, m, region, http.MethodGet, "/tags/"+arn, "", http.StatusOK)
			wantJSON(t, out, map[string]any{"Tags": map[string]any{"env": "test"}})
			out = backupOK(t, m, region, http.MethodGet, "/tags/"+url.PathEscape(arn)+"/", "", http.StatusOK)
			wantJSON(t, out, map[string]any{"Tags": map[string]any{"env": "test"}})
		}
		// The vault of one region is not in the other.
		backupError(t, m, "us-east-1", http.MethodGet, "/backup-vaults/tags-us-west-2", "", "ResourceNotFoundException")
	})

	// aws_backup_vault_policy: PutBackupVaultAccessPolicy, GetBackupVaultAccessPolicy, DeleteBackupVaultAccessPolicy.
	t.Run("VaultAccessPolicy", func(t *testing.T) {
		const region = "us-west-2"
		backupOK(t, m, region, http.MethodPut, "/backup-vaults/policy", `{}`, http.StatusOK)
		path := "/backup-vaults/policy/access-policy"
		backupError(t, m, region, http.MethodGet, path, "", "ResourceNotFoundException")
		policy := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":{"AWS":"*"},"Action":["backup:DeleteRecoveryPoint"],"Resource":["*"]}]}`
		body, _ := json.Marshal(map[string]string{"Policy": policy})
		backupOK(t, m, region, http.MethodPut, path, string(body), http.StatusOK)
		out := backupOK(t, m, region, http.MethodGet, path, "", http.StatusOK)
		wantJSON(t, out, map[string]any{
			"BackupVaultName": "policy",
			"BackupVaultArn":  "arn:aws:backup:us-west-2:123456789012:backup-vault:policy",
			"Policy":          policy,
		})
		backupError(t, m, "us-east-1", http.MethodGet, path, "", "ResourceNotFoundException")
		backupError(t, m, region, http.MethodPut, "/backup-vaults/nope/access-policy", string(body), "ResourceNotFoundException")
		backupOK(t, m, region, http.MethodDelete, path, "", http.StatusOK)
		backupError(t, m, region, http.MethodGet, path, "", "ResourceNotFoundException")
	})

	// GetBackupPlan answers every rule with AWS's defaults, or the provider plans a change.
	t.Run("PlanRuleDefaults", func(t *testing.T) {
		id, arn, version := createPlan(t, `{"BackupPlan":`+strings.Replace(plan("90"), `"plan"`, `"defaults"`, 1)+`,"BackupPlanTags":{"env":"test"}}`)
		out := backupOK(t, m, "us-west-2", http.MethodGet, "/backup/plans/"+id+"/", "", http.StatusOK)
		wantJSON(t, out, map[string]any{
			"BackupPlan.BackupPlanName":                                  "defaults",
			"BackupPlan.Rules.0.RuleName":                                "daily",
			"BackupPlan.Rules.0.EnableContinuousBackup":                  true,
			"BackupPlan.Rules.0.Lifecycle.DeleteAfterDays":               35,
			"BackupPlan.Rules.0.CopyActions.0.Lifecycle":                 map[string]any{"DeleteAfterDays": 14},
			"BackupPlan.Rules.0.CopyActions.0.DestinationBackupVaultArn": "arn:aws:backup:us-east-1:123456789012:backup-vault:dr",
			"BackupPlan.Rules.0.StartWindowMinutes":                      480,
			"BackupPlan.Rules.0.CompletionWindowMinutes":                 10080,
			"BackupPlan.Rules.1.EnableContinuousBackup":                  false,
			"BackupPlan.Rules.1.Lifecycle.DeleteAfterDays":               90,
			"BackupPlan.Rules.1.ScheduleExpressionTimezone":              "Etc/UTC",
			"VersionId": version,
		})
		if jsonPath(out, "BackupPlan.Rules.0.RuleId") == nil {
			t.Errorf("a rule has no RuleId: %v", out)
		}
		out = backupOK(t, m, "us-west-2", http.MethodGet, "/tags/"+arn, "", http.StatusOK)
		wantJSON(t, out, map[string]any{"Tags": map[string]any{"env": "test"}})
	})

	// UpdateBackupPlan: a new version with the new rules.
	t.Run("UpdateBackupPlan", func(t *testing.T) {
		id, _, version := createPlan(t, `{"BackupPlan":`+strings.Replace(plan("90"), `"plan"`, `"update"`, 1)+`}`)
		out := backupOK(t, m, "us-west-2", http.MethodPost, "/backup/plans/"+id, `{"BackupPlan":`+plan("120")+`}`, http.StatusOK)
		if v, _ := out["VersionId"].(string); v == "" || v == version {
			t.Errorf("UpdateBackupPlan: version %q, was %q", v, version)
		}
		out = backupOK(t, m, "us-west-2", http.MethodGet, "/backup/plans/"+id, "", http.StatusOK)
		wantJSON(t, out, map[string]any{"BackupPlan.Rules.1.Lifecycle.DeleteAfterDays": 120})
		backupError(t, m, "us-west-2", http.MethodPost, "/backup/plans/nope", `{"BackupPlan":`+plan("1")+`}`, "ResourceNotFoundException")
	})

	// CreateBackupSelection, GetBackupSelection, ListBackupSelections, DeleteBackupSelection,
	// per account and region; a plan with selections cannot be deleted.
	t.Run("Selections", func(t *testing.T) {
		const region = "us-west-2"
		id, _, _ := createPlan(t, `{"BackupPlan":`+strings.Replace(plan("90"), `"plan"`, `"selections"`, 1)+`}`)
		out := backupOK(t, m, region, http.MethodPut, "/backup/plans/"+id+"/selections/", `{"BackupSelection":{
			"SelectionName":"by-tag","IamRoleArn":"`+role+`",
			"Resources":["arn:aws:rds:us-west-2:123456789012:db:web"],
			"ListOfTags":[{"ConditionType":"STRINGEQUALS","ConditionKey":"backup","ConditionValue":"daily"}],
			"Conditions":{"StringEquals":[{"ConditionKey":"aws:ResourceTag/tier","ConditionValue":"data"}]}},
			"CreatorRequestId":"req-1"}`, http.StatusOK)
		selection, _ := out["SelectionId"].(string)
		if selection == "" || out["BackupPlanId"] != id {
			t.Fatalf("CreateBackupSelection returned %v", out)
		}
		out = backupOK(t, m, region, http.MethodGet, "/backup/plans/"+id+"/selections/"+selection, "", http.StatusOK)
		wantJSON(t, out, map[string]any{
			"BackupPlanId":                                id,
			"SelectionId":                                 selection,
			"CreatorRequestId":                            "req-1",
			"BackupSelection.SelectionName":               "by-tag",
			"BackupSelection.IamRoleArn":                  role,
			"BackupSelection.Resources":                   []any{"arn:aws:rds:us-west-2:123456789012:db:web"},
			"BackupSelection.NotResources":                []any{},
			"BackupSelection.ListOfTags.0.ConditionType":  "STRINGEQUALS",
			"BackupSelection.ListOfTags.0.ConditionKey":   "backup",
			"BackupSelection.ListOfTags.0.ConditionValue": "daily",
			"BackupSelection.Conditions.StringEquals.0":   map[string]any{"ConditionKey": "aws:ResourceTag/tier", "ConditionValue": "data"},
			"BackupSelection.Conditions.StringNotEquals":  []any{},
			"BackupSelection.Conditions.StringLike":       []any{},
			"BackupSelection.Conditions.StringNotLike":    []any{},
		})
		out = backupOK(t, m, region, http.MethodGet, "/backup/plans/"+id+"/selections/", "", http.StatusOK)
		wantJSON(t, out, map[string]any{"BackupSelectionsList.0.SelectionId": selection, "BackupSelectionsList.0.SelectionName": "by-tag"})
		backupError(t, m, region, http.MethodPut, "/backup/plans/"+id+"/selections/",
			`{"BackupSelection":{"SelectionName":"by-tag","IamRoleArn":"`+role+`"}}`, "AlreadyExistsException")

		backupError(t, m, region, http.MethodDelete, "/backup/plans/"+id, "", "InvalidRequestException")
		backupError(t, m, "us-east-1", http.MethodGet, "/backup/plans/"+id+"/selections/"+selection, "", "ResourceNotFoundException")
		backupOK(t, m, region, http.MethodDelete, "/backup/plans/"+id+"/selections/"+selection, "", http.StatusOK)
		backupError(t, m, region, http.MethodGet, "/backup/plans/"+id+"/selections/"+selection, "", "ResourceNotFoundException")
		backupError(t, m, region, http.MethodDelete, "/backup/plans/"+id+"/selections/"+selection, "", "ResourceNotFoundException")

		out = backupOK(t, m, region, http.MethodDelete, "/backup/plans/"+id, "", http.StatusOK)
		if out["DeletionDate"] == nil {
			t.Errorf("DeleteBackupPlan returned %v", out)
		}
		backupError(t, m, region, http.MethodDelete, "/backup/plans/"+id, "", "ResourceNotFoundException")
		backupError(t, m, region, http.MethodPut, "/backup/plans/"+id+"/selections/",
			`{"BackupSelection":{"SelectionName":"s","IamRoleArn":"`+role+`"}}`, "ResourceNotFoundException")
	})

	// A new plan may take a deleted plan's name (a replacement of aws_backup_plan).
	t.Run("DeletedPlanNameIsFree", func(t *testing.T) {
		doc := `{"BackupPlan":` + strings.Replace(plan("90"), `"plan"`, `"reused"`, 1) + `}`
		id, _, _ := createPlan(t, doc)
		backupOK(t, m, "us-west-2", http.MethodDelete, "/backup/plans/"+id, "", http.StatusOK)
		if again, _, _ := createPlan(t, doc); again == id {
			t.Errorf("the new plan has the deleted plan's ID %s", id)
		}
	})

	// Restore testing plans and selections (aws_backup_restore_testing_plan and _selection).
	t.Run("RestoreTesting", func(t *testing.T) {
		const region = "us-east-1"
		out := backupOK(t, m, region, http.MethodPut, "/restore-testing/plans", `{"CreatorRequestId":"r1",
			"RestoreTestingPlan":{"RestoreTestingPlanName":"restore_test","ScheduleExpression":"cron(0 12 ? * * *)",
			"RecoveryPointSelection":{"Algorithm":"LATEST_WITHIN_WINDOW","IncludeVaults":["*"],"RecoveryPointTypes":["SNAPSHOT"]}},
			"Tags":{"env":"test"}}`, http.StatusCreated)
		arn, _ := out["RestoreTestingPlanArn"].(string)
		if out["RestoreTestingPlanName"] != "restore_test" ||
			!strings.HasPrefix(arn, "arn:aws:backup:us-east-1:123456789012:restore-testing-plan:restore_test-") {
			t.Fatalf("CreateRestoreTestingPlan returned %v", out)
		}
		backupError(t, m, region, http.MethodPut, "/restore-testing/plans", `{"RestoreTestingPlan":{"RestoreTestingPlanName":"restore_test",
			"ScheduleExpression":"cron(0 12 ? * * *)","RecoveryPointSelection":{"Algorithm":"RANDOM_WITHIN_WINDOW","IncludeVaults":["*"],"RecoveryPointTypes":["SNAPSHOT"]}}}`,
			"AlreadyExistsException")

		out = backupOK(t, m, region, http.MethodGet, "/restore-testing/plans/restore_test", "", http.StatusOK)
		wantJSON(t, out, map[string]any{
			"RestoreTestingPlan.RestoreTestingPlanArn":                      arn,
			"RestoreTestingPlan.ScheduleExpression":                         "cron(0 12 ? * * *)",
			"RestoreTestingPlan.ScheduleExpressionTimezone":                 "Etc/UTC",
			"RestoreTestingPlan.StartWindowHours":                           24,
			"RestoreTestingPlan.RecoveryPointSelection.ExcludeVaults":       []any{},
			"RestoreTestingPlan.RecoveryPointSelection.IncludeVaults":       []any{"*"},
			"RestoreTestingPlan.RecoveryPointSelection.SelectionWindowDays": 30,
		})
		out = backupOK(t, m, region, http.MethodGet, "/tags/"+arn, "", http.StatusOK)
		wantJSON(t, out, map[string]any{"Tags": map[string]any{"env": "test"}})
		out = backupOK(t, m, region, http.MethodGet, "/restore-testing/plans", "", http.StatusOK)
		wantJSON(t, out, map[string]any{"RestoreTestingPlans.0.RestoreTestingPlanName": "restore_test"})

		out = backupOK(t, m, region, http.MethodPut, "/restore-testing/plans/restore_test",
			`{"RestoreTestingPlan":{"ScheduleExpression":"cron(0 13 ? * * *)"}}`, http.StatusOK)
		if out["UpdateTime"] == nil {
			t.Errorf("UpdateRestoreTestingPlan returned %v", out)
		}
		out = backupOK(t, m, region, http.MethodGet, "/restore-testing/plans/restore_test", "", http.StatusOK)
		wantJSON(t, out, map[string]any{"RestoreTestingPlan.ScheduleExpression": "cron(0 13 ? * * *)"})

		role := "arn:aws:iam::123456789012:role/backup"
		out = backupOK(t, m, region, http.MethodPut, "/restore-testing/plans/restore_test/selections", `{"RestoreTestingSelection":{
			"RestoreTestingSelectionName":"rds_selection","IamRoleArn":"`+role+`","ProtectedResourceType":"RDS",
			"ProtectedResourceConditions":{"StringEquals":[{"Key":"aws:ResourceTag/backup","Value":"daily"}]}}}`, http.StatusCreated)
		wantJSON(t, out, map[string]any{"RestoreTestingPlanArn": arn, "RestoreTestingSelectionName": "rds_selection"})
		out = backupOK(t, m, region, http.MethodGet, "/restore-testing/plans/restore_test/selections/rds_selection", "", http.StatusOK)
		wantJSON(t, out, map[string]any{
			"RestoreTestingSelection.IamRoleArn":                                       role,
			"RestoreTestingSelection.ProtectedResourceType":                            "RDS",
			"RestoreTestingSelection.ProtectedResourceConditions.StringEquals.0.Value": "daily",
			"RestoreTestingSelection.ProtectedResourceArns":                            []any{},
			"RestoreTestingSelection.RestoreMetadataOverrides":                         map[string]any{},
			"RestoreTestingSelection.ValidationWindowHours":                            0,
			"RestoreTestingSelection.RestoreTestingPlanName":                           "restore_test",
		})
		backupOK(t, m, region, http.MethodPut, "/restore-testing/plans/restore_test/selections/rds_selection",
			`{"RestoreTestingSelection":{"ValidationWindowHours":2}}`, http.StatusOK)
		out = backupOK(t, m, region, http.MethodGet, "/restore-testing/plans/restore_test/selections", "", http.StatusOK)
		wantJSON(t, out, map[string]any{"RestoreTestingSelections.0.ValidationWindowHours": 2})

		backupError(t, m, region, http.MethodDelete, "/restore-testing/plans/restore_test", "", "InvalidRequestException")
		backupOK(t, m, region, http.MethodDelete, "/restore-testing/plans/restore_test/selections/rds_selection", "", http.StatusNoContent)
		backupError(t, m, region, http.MethodGet, "/restore-testing/plans/restore_test/selections/rds_selection", "", "ResourceNotFoundException")
		backupOK(t, m, region, http.MethodDelete, "/restore-testing/plans/restore_test", "", http.StatusNoContent)
		backupError(t, m, region, http.MethodGet, "/restore-testing/plans/restore_test", "", "ResourceNotFoundException")
		backupError(t, m, "us-west-2", http.MethodDelete, "/restore-testing/plans/restore_test", "", "ResourceNotFoundException")
	})
}
