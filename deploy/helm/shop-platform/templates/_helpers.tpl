{{/* Names and labels shared by every template. */}}

{{- define "shop.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 40 | trimSuffix "-" -}}
{{- else if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* Name of one app's objects: <fullname>-<app>. Call with (dict "root" $ "app" $name). */}}
{{- define "shop.appName" -}}
{{- printf "%s-%s" (include "shop.fullname" .root) .app | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels of every object, less the instance (selector labels carry it for an app's). */}}
{{- define "shop.commonLabels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
app.kubernetes.io/part-of: shop-platform
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end -}}

{{- define "shop.labels" -}}
{{ include "shop.commonLabels" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* Selects one app's pods; stable across upgrades, so never add a changing label here. */}}
{{- define "shop.selectorLabels" -}}
app.kubernetes.io/name: {{ .app }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end -}}

{{- define "shop.appLabels" -}}
{{ include "shop.commonLabels" .root }}
{{ include "shop.selectorLabels" . }}
app.kubernetes.io/component: {{ (index .root.Values.apps .app).kind }}
{{- end -}}

{{/* The queue a service consumes, as libs/platform names it. */}}
{{- define "shop.queueName" -}}
{{- printf "%s%s" (.root.Values.config.RMQ_QUEUE_PREFIX | default "") .app -}}
{{- end -}}

{{- define "shop.appSecretName" -}}
{{- .Values.secrets.existingSecret | default (printf "%s-app" (include "shop.fullname" .)) -}}
{{- end -}}

{{- define "shop.rabbitmqName" -}}
{{- printf "%s-rabbitmq" (include "shop.fullname" .) -}}
{{- end -}}

{{/* Secret and key holding the amqp:// URL: the operator's default user, or yours. */}}
{{- define "shop.rabbitmqUrlRef" -}}
{{- if .Values.rabbitmq.operator.enabled -}}
name: {{ include "shop.rabbitmqName" . }}-default-user
key: connection_string
{{- else -}}
name: {{ required "rabbitmq.existingSecret is required when rabbitmq.operator.enabled is false: a Secret holding the amqp:// URL" .Values.rabbitmq.existingSecret }}
key: {{ .Values.rabbitmq.existingSecretKey }}
{{- end -}}
{{- end -}}

{{- define "shop.postgresClusterName" -}}
{{- printf "%s-db" (include "shop.appName" .) -}}
{{- end -}}

{{- define "shop.mongodbName" -}}
{{- printf "%s-mongodb" (include "shop.fullname" .) -}}
{{- end -}}

{{/* The operator writes a mongodb user's connection strings to this Secret. */}}
{{- define "shop.mongodbUserSecretName" -}}
{{- printf "%s-%s-user" (include "shop.mongodbName" .root) .app -}}
{{- end -}}

{{- define "shop.mongodbPasswordSecretName" -}}
{{- .Values.mongodb.operator.existingSecret | default (printf "%s-passwords" (include "shop.mongodbName" .)) -}}
{{- end -}}

{{/* Secret and key holding an app's database URL. Call with (dict "root" $ "app" $name). */}}
{{- define "shop.databaseUrlRef" -}}
{{- $database := (index .root.Values.apps .app).database -}}
{{- if and (eq $database.kind "postgres") .root.Values.postgres.operator.enabled -}}
name: {{ include "shop.postgresClusterName" . }}-app
key: uri
{{- else if and (eq $database.kind "mongodb") .root.Values.mongodb.operator.enabled -}}
name: {{ include "shop.mongodbUserSecretName" . }}
key: connectionString.standard
{{- else -}}
name: {{ required (printf "apps.%s.database.existingSecret is required without the %s operator: a Secret holding the URL" .app $database.kind) $database.existingSecret }}
key: {{ $database.existingSecretKey }}
{{- end -}}
{{- end -}}

{{- define "shop.image" -}}
{{- $app := index .root.Values.apps .app -}}
{{- if $app.image -}}
{{- $app.image -}}
{{- else -}}
{{- printf "%s/%s:%s" .root.Values.image.repository .app (.root.Values.image.tag | default .root.Chart.AppVersion) -}}
{{- end -}}
{{- end -}}

{{/* Whether KEDA, not the Deployment, owns a service's replica count. */}}
{{- define "shop.isKedaScaled" -}}
{{- $app := index .root.Values.apps .app -}}
{{- if and (eq $app.kind "service") .root.Values.keda.enabled $app.autoscaling.enabled -}}true{{- end -}}
{{- end -}}

{{- define "shop.isHpaScaled" -}}
{{- $app := index .root.Values.apps .app -}}
{{- if and (eq $app.kind "gateway") $app.autoscaling.enabled -}}true{{- end -}}
{{- end -}}

{{/*
  An app's ConfigMap data: the shared variables, its own, its port, the name of its
  database where the app reads it from a variable, and the first admin's email.
*/}}
{{- define "shop.configData" -}}
{{- $app := index .root.Values.apps .app -}}
{{- $data := merge (dict) ($app.config | default dict) .root.Values.config -}}
{{- $_ := set $data $app.portVariable ($app.port | toString) -}}
{{- if and $app.database $app.database.nameVariable -}}
{{- $_ := set $data $app.database.nameVariable $app.database.name -}}
{{- end -}}
{{- if and $app.createsAdmin .root.Values.admin.email -}}
{{- $_ := set $data "ADMIN_EMAIL" .root.Values.admin.email -}}
{{- end -}}
{{- with .root.Values.tracing -}}
{{- if .otlpEndpoint -}}
{{- $_ := set $data "OTEL_EXPORTER_OTLP_ENDPOINT" .otlpEndpoint -}}
{{- $_ := set $data "OTEL_TRACES_SAMPLER" .sampler -}}
{{- $_ := set $data "OTEL_TRACES_SAMPLER_ARG" .samplerArg -}}
{{- end -}}
{{- end -}}
{{- range $key, $value := $data }}
{{ $key }}: {{ $value | toString | quote }}
{{- end -}}
{{- end -}}
