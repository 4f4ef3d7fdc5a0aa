import {
  DEFAULT_CLASS_ANNOTATION,
  PLATFORM_STORAGE_CLASS,
  PlatformStorageClass,
  storageClassSpec,
} from "../../components/addons/storage-class";
import { find, record } from "./harness";

const STORAGE_CLASS = "kubernetes:storage.k8s.io/v1:StorageClass";

describe("PlatformStorageClass", () => {
  test("encrypted gp3 volumes from the EBS CSI driver", () => {
    const spec = storageClassSpec(false);
    expect(spec.provisioner).toBe("ebs.csi.aws.com");
    expect(spec.parameters).toMatchObject({ type: "gp3", encrypted: "true" });
  });

  test("a claim can grow in place, and its volume is made in the zone of the pod that mounts it", () => {
    const spec = storageClassSpec(false);
    expect(spec.allowVolumeExpansion).toBe(true);
    expect(spec.volumeBindingMode).toBe("WaitForFirstConsumer");
  });

  test("the component creates the named class, the cluster default only when asked", async () => {
    const asDefault = await record(() => new PlatformStorageClass("storage", { isDefault: true }));
    const created = find(asDefault.resources, STORAGE_CLASS, "storage-gp3").inputs as any;
    expect(created.metadata).toEqual({
      name: PLATFORM_STORAGE_CLASS,
      annotations: { [DEFAULT_CLASS_ANNOTATION]: "true" },
    });
    const plain = await record(() => new PlatformStorageClass("storage", {}));
    expect((find(plain.resources, STORAGE_CLASS, "storage-gp3").inputs as any).metadata.annotations).toEqual({
      [DEFAULT_CLASS_ANNOTATION]: "false",
    });
  });
});
