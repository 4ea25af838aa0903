# Shared by build.sh and ci.sh (sourced, not run).

# find_tf_provider prints the newest terraform-provider-aws_* binary on the machine, or
# LOCALCLOUD_TF_AWS_PROVIDER when set; nothing when there is none.
find_tf_provider() {
	if [[ -n "${LOCALCLOUD_TF_AWS_PROVIDER:-}" ]]; then
		printf '%s\n' "$LOCALCLOUD_TF_AWS_PROVIDER"
		return
	fi
	local found
	found="$(find /opt /usr/local /usr/share /root/.terraform.d -name 'terraform-provider-aws_*' -type f 2>/dev/null | sort -V | tail -n 1)"
	if [[ -z "$found" ]]; then
		found="$(find / -xdev -name 'terraform-provider-aws_*' -type f 2>/dev/null | sort -V | tail -n 1)"
	fi
	printf '%s\n' "$found"
}
