/**
 * A model's artifacts in the platform's bucket live under its own folder (`s3://<artifacts>/<name>/`,
 * where README tells teams to upload them). The model's pod role is granted read of exactly the
 * paths its spec names (artifact-policy.ts), so a URI into another model's folder would not fail:
 * it would quietly give this model's pods - and its team - read of that model's files. Refused here,
 * before anything is declared. A URI in another bucket (a team's own) is the team's to grant: the
 * role gets the path, the bucket's owner the rest. Pure.
 */
import { perElement } from "./beyond-schema";
import type { Problem } from "./errors";
import type { ModelSpec } from "./model-schema";
import { ARTIFACTS_PLACEHOLDER } from "../model/variants";

const IN_ARTIFACTS = `s3://${ARTIFACTS_PLACEHOLDER}/`;

/** Each of the spec's deployed URIs in the platform's bucket but outside the model's folder. */
export function artifactFolderProblems(spec: ModelSpec, file: string): Problem[] {
  // Read lazily, each inside perElement's guard: a URI the schema rejected is passed over alone.
  const uris: [string, () => string | undefined][] = [
    ["serving.modelUri", () => spec.serving.modelUri],
    ["canary.modelUri", () => spec.canary?.modelUri],
    ...spec.experiments.map((e, i): [string, () => string] => [
      `experiments[${i}].modelUri`,
      () => e.modelUri,
    ]),
  ];
  return perElement(uris, ([path, read]): Problem[] => {
    const uri = read();
    if (uri === undefined || !uri.startsWith(IN_ARTIFACTS)) return [];
    const folder = uri.slice(IN_ARTIFACTS.length).split("/")[0];
    if (folder === spec.name) return [];
    return [
      {
        file,
        path,
        value: uri,
        reason:
          `is in the folder ${folder}/ of the artifact bucket; a model's files go under ${IN_ARTIFACTS}${spec.name}/ ` +
          `(its pods are granted read of the paths its spec names, so another model's folder would open that model's files to this one)`,
      },
    ];
  });
}
