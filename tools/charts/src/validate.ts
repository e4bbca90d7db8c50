/** Schema validation of rendered objects with kubernetes-models (Kubernetes, Istio, Prometheus Operator). */
import { ConfigMap, Namespace, PersistentVolumeClaim, Pod, ResourceQuota, Secret, Service, ServiceAccount } from 'kubernetes-models/v1';
import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { CronJob, Job } from 'kubernetes-models/batch/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { ClusterRole, ClusterRoleBinding, Role, RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import { StorageClass } from 'kubernetes-models/storage.k8s.io/v1';
import { Gateway, VirtualService } from '@kubernetes-models/istio/networking.istio.io/v1beta1';
import { PeerAuthentication } from '@kubernetes-models/istio/security.istio.io/v1beta1';
import { Prometheus, ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import type { K8sObject } from './render.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Model = new (data: any) => { validate(): void };

export const MODELS: Record<string, Model> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Namespace': Namespace,
  'v1/PersistentVolumeClaim': PersistentVolumeClaim,
  'v1/Pod': Pod,
  'v1/ResourceQuota': ResourceQuota,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'v1/ServiceAccount': ServiceAccount,
  'apps/v1/Deployment': Deployment,
  'apps/v1/StatefulSet': StatefulSet,
  'batch/v1/CronJob': CronJob,
  'batch/v1/Job': Job,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'rbac.authorization.k8s.io/v1/ClusterRole': ClusterRole,
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': ClusterRoleBinding,
  'rbac.authorization.k8s.io/v1/Role': Role,
  'rbac.authorization.k8s.io/v1/RoleBinding': RoleBinding,
  'storage.k8s.io/v1/StorageClass': StorageClass,
  'networking.istio.io/v1beta1/Gateway': Gateway,
  'networking.istio.io/v1beta1/VirtualService': VirtualService,
  'security.istio.io/v1beta1/PeerAuthentication': PeerAuthentication,
  'monitoring.coreos.com/v1/Prometheus': Prometheus,
  'monitoring.coreos.com/v1/ServiceMonitor': ServiceMonitor,
};

/** Kinds rendered without a model package to check them against (Volcano ships no npm models). */
export const UNVALIDATED_KINDS = new Set(['scheduling.volcano.sh/v1beta1/Queue']);

/**
 * kubernetes-models generates embedded types of the Prometheus Operator as if they were resources:
 * Prometheus.spec.storage.volumeClaimTemplate must carry apiVersion monitoring.coreos.com/v1 and kind
 * EmbeddedPersistentVolumeClaim, which the real CRD neither needs nor uses. Those two fields are filled
 * in on a copy before validating; everything else is checked as rendered.
 */
const NORMALIZERS: Record<string, (object: K8sObject) => K8sObject> = {
  'monitoring.coreos.com/v1/Prometheus': (object) => {
    const copy = structuredClone(object);
    const storage = (copy.spec?.['storage'] ?? {}) as { volumeClaimTemplate?: Record<string, unknown> };
    if (storage.volumeClaimTemplate) {
      storage.volumeClaimTemplate = { apiVersion: 'monitoring.coreos.com/v1', kind: 'EmbeddedPersistentVolumeClaim', ...storage.volumeClaimTemplate };
    }
    return copy;
  },
};

export const kindKey = (object: K8sObject): string => `${object.apiVersion}/${object.kind}`;

/** Problems found validating every object; an unknown kind is a problem too. */
export function validateObjects(objects: K8sObject[]): string[] {
  const problems: string[] = [];
  for (const object of objects) {
    const key = kindKey(object);
    if (UNVALIDATED_KINDS.has(key)) continue;
    const model = MODELS[key];
    if (!model) {
      problems.push(`${key} ${object.metadata?.name}: no schema model for this kind`);
      continue;
    }
    try {
      new model((NORMALIZERS[key] ?? ((o: K8sObject) => o))(object)).validate();
    } catch (error) {
      problems.push(`${key} ${object.metadata?.name}: ${(error as Error).message}`);
    }
  }
  return problems;
}
