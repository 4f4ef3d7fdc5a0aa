/**
 * The Airflow DAG id of a model's training DAG. Shared by the model stack (which generates the DAG)
 * and the retrain watcher (which triggers it), so the two can never drift apart.
 */

/** `train_<model name with - replaced by _>`: Airflow DAG ids are conventionally Python identifiers. */
export function trainingDagId(modelName: string): string {
  return `train_${modelName.replace(/-/g, "_")}`;
}
