/** An unpinned chart upgrades itself on the next `pulumi up` with whatever the repository serves. */
import { ALWAYS_MANDATORY, PlatformPolicy, forTypes } from "../lib/platform-policy";
import { str } from "../lib/values";

/** An exact SemVer 2 version, optionally with a leading `v` (Helm accepts both). */
const EXACT_VERSION = /^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

/** Every Helm release pins an exact chart version (no range, no omission). */
export const kubernetesHelmReleasePinsChartVersion: PlatformPolicy = {
  checks: "Helm releases pin an exact chart version (not empty, not a range)",
  enforcement: ALWAYS_MANDATORY,
  policy: {
    name: "kubernetes-helm-release-pins-chart-version",
    description: "Helm releases must pin an exact chart version.",
    enforcementLevel: "mandatory",
    validateResource: forTypes(
      ["kubernetes:helm.sh/v3:Release", "kubernetes:helm.sh/v4:Chart"],
      (props, args, report) => {
        const chart = str(props.chart) ?? args.name;
        // OCI or local-path charts with a digest/tarball are pinned by reference.
        if (/@sha256:[a-f0-9]{64}$/.test(chart) || /\.tgz$/.test(chart)) return;
        const version = str(props.version);
        if (version === undefined || version === "") {
          report(`Helm chart ${chart} has no version; set version to an exact chart version such as 1.2.3.`);
        } else if (!EXACT_VERSION.test(version)) {
          report(
            `Helm chart ${chart} version "${version}" is a range or not a version; pin an exact version such as 1.2.3.`,
          );
        }
      },
    ),
  },
};
