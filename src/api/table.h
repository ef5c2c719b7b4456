/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Helpers for Table output (kubectl get): column definitions from a static
 * list, kubectl-style ages and durations, and the cell formats Kubernetes'
 * printers use ("<none>", "k=v,k2=v2" selectors, "80/TCP" ports).
 */
#ifndef ATOLL_TABLE_H
#define ATOLL_TABLE_H

#include <jansson.h>
#include <stddef.h>

struct api_kind;

struct table_col {
	const char *name;   /* "Name", "Ready"; kubectl upper-cases it */
	const char *type;   /* "string", "integer", "number", "boolean", "date" */
	const char *format; /* "name" for the NAME column, else "" */
	const char *desc;
	int priority;       /* 1: shown only with -o wide */
};

/* Returns an owned array of columnDefinitions. */
json_t *table_columns(const struct table_col *cols, size_t n);
#define TABLE_COLUMNS(cols) table_columns((cols), sizeof(cols) / sizeof((cols)[0]))

/* NAME, AGE: the table of kinds without their own printer (CRDs). Returns owned. */
json_t *table_columns_default(void);
json_t *table_row_default(const json_t *obj);
/* NAME, CREATED AT: Kubernetes' table for built-in kinds without a printer. */
json_t *table_columns_created(void);
json_t *table_row_created(const json_t *obj);

/* Seconds since the Unix epoch of an RFC 3339 time, or -1. */
long long table_parse_time(const char *rfc3339);
/* kubectl's human duration: "5s", "3m2s", "4h", "2d", "3y45d". */
void table_duration(long long seconds, char *out, size_t n);
/* Age of an RFC 3339 timestamp at call time; "<unknown>" when absent. */
void table_age(const char *rfc3339, char *out, size_t n);
/* The AGE cell of obj (owned string json). */
json_t *table_age_cell(const json_t *obj);
/* metadata.name, never NULL. */
const char *table_name(const json_t *obj);

/* Owned strings: "<none>" when empty. */
char *table_selector_string(const json_t *label_selector); /* metav1.LabelSelector */
char *table_map_string(const json_t *map);                 /* {"a":"b"} -> "a=b" */
/* Comma-joined names and images of the containers of a pod spec. */
char *table_container_names(const json_t *podspec);
char *table_container_images(const json_t *podspec);
/* A string cell, "<none>" when s is NULL or empty. Returns owned json. */
json_t *table_str_or_none(const char *s);

/*
 * A whole meta.k8s.io/v1 Table for objs (a JSON array, borrowed) of kind k:
 * the kind's columns and rows, or for CRDs their additionalPrinterColumns,
 * else NAME and AGE. include is the includeObject parameter: "None",
 * "Object", or "Metadata" (NULL; the default: PartialObjectMetadata). rv and
 * cont (may be NULL) go to the Table's metadata. Returns owned.
 */
json_t *table_build(const struct api_kind *k, const json_t *objs, const char *include,
		    const char *rv, const char *cont);

/* The value at a simple JSONPath (".spec.replicas", ".status.conditions[0].type"); borrowed. */
json_t *table_jsonpath(const json_t *obj, const char *path);

#endif
