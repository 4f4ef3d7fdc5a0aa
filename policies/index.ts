/**
 * CrossGuard entry: `pulumi preview --policy-pack policies [--policy-pack-config policies/config/<stack>.json]`.
 * `new PolicyPack` starts the analyzer's gRPC server and may run only once per process, so nothing
 * else imports this file: tests and the offline plan use `./evaluate` over the same policy objects.
 */
import { PolicyPack } from "@pulumi/policy";
import { PLATFORM_POLICIES, POLICY_PACK_NAME } from "./all";

new PolicyPack(POLICY_PACK_NAME, {
  description:
    "Guardrails for the shared-GPU MLOps platform: AWS data-store and cluster hardening, Kubernetes workload security, GPU placement, model observability, canary caps and GPU capacity/budget.",
  policies: PLATFORM_POLICIES.map((p) => p.policy),
});
