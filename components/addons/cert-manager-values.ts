/** Pure builder of the cert-manager chart values (charts.jetstack.io `cert-manager`). */

/**
 * cert-manager values: the chart installs its CRDs (`crds.enabled`, the successor of the deprecated
 * `installCRDs` since v1.15) and keeps them on uninstall (`crds.keep`, cert-manager/cert-manager#6719),
 * because deleting the CRDs would delete every Certificate, including KServe's webhook certificate.
 */
export function certManagerValues(): Record<string, unknown> {
  return { crds: { enabled: true, keep: true } };
}
