// @ts-check
// CustomResourceDefinitions in the simulated cluster. A CRD applied with `kubectl apply` is
// accepted and Established at once (the real apiextensions controllers take well under a second:
// kubernetes staging/src/k8s.io/apiextensions-apiserver/pkg/controller/establish), its kind
// becomes a resource kubectl resolves by plural, singular, short name or plural.group, and its
// served versions join what discovery reports, which is where helm's .Capabilities.APIVersions
// comes from (helm pkg/action/action.go, GetVersionSet: every group/version, and every
// group/version/Kind of the server's resources).
import { listObjects } from '../model.mjs';

/** The status the API server gives an accepted CRD: NamesAccepted and Established. */
export function crdStatus(obj, at) {
  const time = new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const names = obj.spec?.names ?? {};
  return {
    acceptedNames: { kind: names.kind, listKind: names.listKind ?? `${names.kind}List`, plural: names.plural, singular: names.singular },
    conditions: [
      { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found', lastTransitionTime: time },
      {
        type: 'Established',
        status: 'True',
        reason: 'InitialNamesAccepted',
        message: 'the initial names have been accepted',
        lastTransitionTime: time,
      },
    ],
    storedVersions: (obj.spec?.versions ?? []).filter((v) => v.storage).map((v) => v.name),
  };
}

/** A custom resource kubectl can name with `word` (plural, singular, kind, short name, plural.group), or null. */
export function customResource(cluster, word) {
  const w = word.toLowerCase();
  for (const crd of listObjects(cluster, 'CustomResourceDefinition')) {
    const { group, names = {} } = crd.spec ?? {};
    const singular = names.singular ?? String(names.kind ?? '').toLowerCase();
    const aliases = [names.plural, singular, String(names.kind ?? '').toLowerCase(), ...(names.shortNames ?? [])];
    if (aliases.includes(w) || w === `${names.plural}.${group}` || w === `${singular}.${group}`)
      return { kind: names.kind, plural: names.plural, group, names: [singular, singular, names.plural, ...(names.shortNames ?? [])] };
  }
  return null;
}

/** What discovery adds for the cluster's CRDs: group/version and group/version/Kind of every served version. */
export function customApiVersions(cluster) {
  return listObjects(cluster, 'CustomResourceDefinition').flatMap((crd) =>
    (crd.spec?.versions ?? [])
      .filter((v) => v.served)
      .flatMap((v) => [`${crd.spec.group}/${v.name}`, `${crd.spec.group}/${v.name}/${crd.spec.names.kind}`]),
  );
}
