{{/* Names */}}
{{- define "tributary.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "tributary.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end -}}

{{/* tributary.selector: (dict "ctx" $ "component" "parent") */}}
{{- define "tributary.selector" -}}
app.kubernetes.io/name: {{ .ctx.Chart.Name }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "tributary.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}

{{- define "tributary.secretName" -}}
{{- .Values.apiKey.existingSecret | default (printf "%s-api-key" (include "tributary.fullname" .)) -}}
{{- end -}}

{{/*
The per-pod DNS names of a StatefulSet behind its headless Service, with the
port: "name-0.svc.ns.svc.cluster.local:19999 name-1...".
tributary.podAddresses: (dict "ctx" $ "tier" "parent" "replicas" N "port" P "ssl" "none|last|each")
`:SSL` on the last entry only for [stream] destination (Netdata 1.37.1 cuts
that list at the first `:SSL` and then uses TLS for every entry), on each
entry for `proxy destination`.
*/}}
{{- define "tributary.podAddresses" -}}
{{- $name := printf "%s-%s" (include "tributary.fullname" .ctx) .tier -}}
{{- $out := list -}}
{{- $n := int .replicas -}}
{{- range $i := until $n -}}
{{- $a := printf "%s-%d.%s.%s.svc.%s:%d" $name $i $name $.ctx.Release.Namespace $.ctx.Values.clusterDomain (int $.port) -}}
{{- if or (eq $.ssl "each") (and (eq $.ssl "last") (eq (add1 $i) $n)) -}}
{{- $a = printf "%s:SSL" $a -}}
{{- end -}}
{{- $out = append $out $a -}}
{{- end -}}
{{- join " " $out -}}
{{- end -}}

{{/* [stream] settings every sender shares: TLS trust. */}}
{{- define "tributary.senderTls" -}}
{{- if .Values.tls.enabled }}
{{- if .Values.tls.caSecretName }}
        CAfile = /etc/tributary-ca/ca.crt
{{- end }}
{{- if .Values.tls.skipVerification }}
        ssl skip certificate verification = yes
{{- end }}
{{- end }}
{{- end -}}

{{/*
The init container that writes /etc/tributary from the ConfigMap's templates:
@API_KEY@ from the Secret, @POD_NAME@ and @NODE_NAME@ from the downward API.
The key never enters a ConfigMap; the written files live in memory.
tributary.renderConfig: (dict "ctx" $ "securityContext" {...})
*/}}
{{- define "tributary.renderConfig" -}}
- name: render-config
  image: {{ include "tributary.image" .ctx }}
  imagePullPolicy: {{ .ctx.Values.image.pullPolicy }}
  command: ["/bin/sh", "-c"]
  args:
    - |
      set -eu
      case "$TRIBUTARY_API_KEY" in
        ????????-????-????-????-????????????) ;;
        *) echo "tributary: the API key in Secret {{ include "tributary.secretName" .ctx }} is not a UUID" >&2; exit 1 ;;
      esac
      case "$TRIBUTARY_API_KEY" in
        *[!0-9a-fA-F-]*) echo "tributary: the API key in Secret {{ include "tributary.secretName" .ctx }} is not a UUID" >&2; exit 1 ;;
      esac
      for f in netdata.conf stream.conf; do
        sed -e "s/@API_KEY@/$TRIBUTARY_API_KEY/g" -e "s/@POD_NAME@/$POD_NAME/g" \
            -e "s/@NODE_NAME@/$NODE_NAME/g" "/etc/tributary-template/$f" > "/etc/tributary/$f"
      done
      exec tributary check-config --config-dir /etc/tributary
  env:
    - name: TRIBUTARY_API_KEY
      valueFrom:
        secretKeyRef:
          name: {{ include "tributary.secretName" .ctx }}
          key: api-key
    - name: POD_NAME
      valueFrom:
        fieldRef:
          fieldPath: metadata.name
    - name: NODE_NAME
      valueFrom:
        fieldRef:
          fieldPath: spec.nodeName
  securityContext:
    {{- toYaml .securityContext | nindent 4 }}
  resources:
    requests:
      cpu: 10m
      memory: 16Mi
    limits:
      memory: 64Mi
  volumeMounts:
    - name: config-template
      mountPath: /etc/tributary-template
      readOnly: true
    - name: config
      mountPath: /etc/tributary
{{- end -}}

{{/* Probes over HTTP(S) on the pod's port: (dict "ctx" $ "port" P) */}}
{{- define "tributary.httpProbes" -}}
{{- $scheme := ternary "HTTPS" "HTTP" .ctx.Values.tls.enabled -}}
livenessProbe:
  httpGet:
    path: /alive
    port: {{ .port }}
    scheme: {{ $scheme }}
  {{- toYaml .ctx.Values.probes.liveness | nindent 2 }}
readinessProbe:
  httpGet:
    path: /ready
    port: {{ .port }}
    scheme: {{ $scheme }}
  {{- toYaml .ctx.Values.probes.readiness | nindent 2 }}
{{- end -}}

{{/* Volumes every tier has: the config templates and the rendered config. */}}
{{- define "tributary.configVolumes" -}}
- name: config-template
  configMap:
    name: {{ .name }}
- name: config
  emptyDir:
    medium: Memory
    sizeLimit: 1Mi
{{- end -}}

{{/* TLS volumes and mounts: (dict "ctx" $ "server" true|false); a server
(parent, proxy) gets its certificate, every sender the CA if one is given. */}}
{{- define "tributary.tlsVolumes" -}}
{{- $v := .ctx.Values.tls -}}
{{- if $v.enabled }}
{{- if .server }}
- name: tls
  secret:
    secretName: {{ required "tls.enabled needs tls.secretName (a kubernetes.io/tls Secret)" $v.secretName }}
{{- end }}
{{- if $v.caSecretName }}
- name: tls-ca
  secret:
    secretName: {{ $v.caSecretName }}
    items:
      - key: ca.crt
        path: ca.crt
{{- end }}
{{- end }}
{{- end -}}

{{- define "tributary.tlsMounts" -}}
{{- $v := .ctx.Values.tls -}}
{{- if $v.enabled }}
{{- if .server }}
- name: tls
  mountPath: /etc/tributary-tls
  readOnly: true
{{- end }}
{{- if $v.caSecretName }}
- name: tls-ca
  mountPath: /etc/tributary-ca
  readOnly: true
{{- end }}
{{- end }}
{{- end -}}
