/** Immutable tags make `image:1.4.2` mean one image forever; scan-on-push flags known CVEs early. */
import { ALWAYS_MANDATORY, PlatformPolicy, forTypes } from "../lib/platform-policy";
import { at } from "../lib/values";

/** ECR repositories use immutable tags and scan images on push. */
export const awsEcrRepositoryImmutableAndScanned: PlatformPolicy = {
  checks: "ECR repositories use IMMUTABLE tags and scan on push",
  enforcement: ALWAYS_MANDATORY,
  policy: {
    name: "aws-ecr-repository-immutable-and-scanned",
    description: "ECR repositories must have immutable image tags and scan on push.",
    enforcementLevel: "mandatory",
    validateResource: forTypes(["aws:ecr/repository:Repository"], (props, _a, report) => {
      // The AWS default is MUTABLE; IMMUTABLE_WITH_EXCLUSION would let excluded tags move.
      if (props.imageTagMutability !== "IMMUTABLE") {
        report(
          `ECR image tags are ${String(props.imageTagMutability ?? "MUTABLE")}; set imageTagMutability: "IMMUTABLE".`,
        );
      }
      if (at(props, "imageScanningConfiguration.scanOnPush") !== true) {
        report("ECR scan on push is off; set imageScanningConfiguration: { scanOnPush: true }.");
      }
    }),
  },
};
