/** A mutable or missing tag makes a rollback or a node restart pull a different image than was reviewed. */
import { ALWAYS_MANDATORY, PlatformPolicy } from "../lib/platform-policy";
import { str } from "../lib/values";
import { podTemplates } from "../lib/workloads";

/** Why an image reference is not pinned, or `undefined` when it has a non-latest tag or a digest. */
export function imagePinProblem(image: string): string | undefined {
  if (/@sha256:[a-f0-9]{64}$/.test(image)) return undefined;
  // The tag follows the last ':' after the last '/', so a registry port (host:5000/img) is not a tag.
  const lastSegment = image.slice(image.lastIndexOf("/") + 1);
  const colon = lastSegment.lastIndexOf(":");
  if (colon < 0) return "has no tag (defaults to latest)";
  if (lastSegment.slice(colon + 1) === "latest") return "uses the mutable tag latest";
  return undefined;
}

/** Container images carry a version tag or a digest, never `latest` or no tag. */
export const kubernetesImagePinned: PlatformPolicy = {
  checks: "container images are pinned by tag or digest, never latest",
  enforcement: ALWAYS_MANDATORY,
  policy: {
    name: "kubernetes-image-pinned",
    description: "Container images must be pinned by a version tag or digest, never latest.",
    enforcementLevel: "mandatory",
    validateResource: (args, report) => {
      for (const t of podTemplates(args.type, args.props ?? {})) {
        for (const c of t.containers) {
          // KServe model containers may leave image to the ServingRuntime, which this policy checks itself.
          const image = str(c.container.image);
          if (image === undefined) continue;
          const problem = imagePinProblem(image);
          if (problem) {
            report(
              `${t.kind} ${t.component} container ${str(c.container.name) ?? c.path} image ${image} ${problem}; pin a version tag (repo/image:1.2.3) or a digest (@sha256:...).`,
            );
          }
        }
      }
    },
  },
};
