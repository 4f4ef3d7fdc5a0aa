/**
 * The AWS regions the stack's `region` may name, and the message for one it cannot. Separate from
 * stack-schema.ts: the list comes from the pinned provider, not from the schema.
 */
import { Region as AwsRegion } from "@pulumi/aws/types/enums";
import { distance } from "fastest-levenshtein";

/** AWS regions as the pinned `@pulumi/aws` knows them (its `Region` enum, kept with the provider). */
export const AWS_REGIONS: readonly string[] = Object.values(AwsRegion);

/**
 * Why `region` is not one AWS knows, naming the nearest when it looks like a typo: a misspelt region
 * (`ap-southeast-l`) would otherwise fail only at `pulumi up`, from the provider.
 */
export function regionProblem(region: string): string | undefined {
  if (AWS_REGIONS.includes(region)) return undefined;
  const nearest = [...AWS_REGIONS].sort((a, b) => distance(a, region) - distance(b, region))[0];
  return distance(nearest, region) <= 2
    ? `is not an AWS region (did you mean ${nearest}?)`
    : `must be an AWS region such as ap-southeast-1 (one of the ${AWS_REGIONS.length} that @pulumi/aws knows)`;
}
