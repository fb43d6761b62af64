# Judge one PSA fixture folder (used by psa.sh).
# Input 1: kguard's pss findings, "<file>\t<check ID>\t<message>" per line.
# Input 2: the folder's fixture file names, one per line.
# Variables: level, minor, outcome (pass|fail), dir, verbose.
# Output: "PASS <file>" or "psa: FAIL <dir>/<file>: <reason>" per fixture file.

# lower-cased check ID (the file prefix) -> check ID, with the restricted overrides of SOURCE.md
function check_for(prefix) {
	if (prefix == "capabilities_baseline" && level == "restricted" && minor >= 22) return "capabilities_restricted"
	if (prefix == "hostpathvolumes" && level == "restricted") return "restrictedVolumes"
	if (prefix == "seccompprofile_baseline" && level == "restricted" && minor >= 19) return "seccompProfile_restricted"
	if (prefix == "procmount" && level == "restricted" && minor >= 35) return "procMount_restricted"
	return (prefix in ids) ? ids[prefix] : ""
}

BEGIN {
	n = split("allowPrivilegeEscalation appArmorProfile capabilities_baseline capabilities_restricted " \
		  "hostNamespaces hostPathVolumes hostPorts hostProbesAndHostLifecycle privileged procMount " \
		  "procMount_restricted restrictedVolumes runAsNonRoot runAsUser seccompProfile_baseline " \
		  "seccompProfile_restricted seLinuxOptions sysctls windowsHostProcess", list, " ")
	for (i = 1; i <= n; i++) { ids[tolower(list[i])] = list[i]; sub_of[list[i]] = list[i] }
	# PSA's expectErrorSubstring where it is not the check ID itself
	sub_of["appArmorProfile"] = "forbidden AppArmor profile"
	sub_of["capabilities_baseline"] = "capabilities"
	sub_of["capabilities_restricted"] = "unrestricted capabilities"
	sub_of["hostNamespaces"] = "host namespaces"
	sub_of["hostPathVolumes"] = "hostPath"
	sub_of["hostPorts"] = "hostPort"
	sub_of["hostProbesAndHostLifecycle"] = "probe or lifecycle host"
	sub_of["procMount_restricted"] = "procMount"
	sub_of["restrictedVolumes"] = "restricted volume types"
	sub_of["seccompProfile_baseline"] = "seccompProfile"
	sub_of["seccompProfile_restricted"] = "seccompProfile"
	sub_of["sysctls"] = "forbidden sysctl"
	sub_of["windowsHostProcess"] = "hostProcess"
}

FILENAME == ARGV[1] { # (not FNR == NR: the findings file is often empty)
	count[$1]++
	got[$1] = got[$1] " " $2
	if (index($3, sub_of[$2]))
		good[$1 "\t" $2] = 1
	next
}

{
	file = $0
	if (outcome == "pass") {
		if (count[file]) print "psa: FAIL " dir "/" file ": expected no finding, got" got[file]
		else print "PASS " file
		next
	}
	prefix = file
	sub(/\.yaml$/, "", prefix)
	sub(/[0-9]+$/, "", prefix)
	check = check_for(prefix)
	if (check == "")
		print "psa: FAIL " dir "/" file ": no check known for prefix '" prefix "'"
	else if (!count[file])
		print "psa: FAIL " dir "/" file ": expected pss." check ", got no finding"
	else if (!((file "\t" check) in good))
		print "psa: FAIL " dir "/" file ": expected pss." check " with \"" sub_of[check] "\", got" got[file]
	else {
		print "PASS " file
		if (verbose == 1) print "psa: ok " level "/v1." minor "/" outcome "/" file " ->" got[file]
	}
}
