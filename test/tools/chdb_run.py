"""Runs ClickHouse statements on the current ClickHouse engine embedded in chdb (PyPI chdb-core), for
the tests that check Sluice's current-version DDL, rows and queries where no current server installs.

Reads a JSON list of steps on stdin and prints one result per step ({"rows": [...]} or {"error": "..."}):
  {"sql": "..."}                                    run it in one session (USE persists), rows as JSON
  {"parse": "..."}                                  parse and format it only (formatQuery): statements
                                                    that need servers this process has not (ON CLUSTER)
  {"rowBinary": "file", "table": "t", "columns": [...]}   insert a RowBinary file into those columns
"""
import json
import sys
import tempfile

from chdb import session


def quoted(text):
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def rows(result):
    return [json.loads(line) for line in str(result).splitlines() if line.strip()]


def run(db, step):
    if "parse" in step:
        return rows(db.query(f"SELECT formatQuery({quoted(step['parse'])}) AS formatted", "JSONEachRow"))
    if "rowBinary" in step:
        types = {
            row["name"]: row["type"]
            for row in rows(
                db.query(
                    "SELECT name, type FROM system.columns WHERE database = currentDatabase() "
                    f"AND table = {quoted(step['table'])}",
                    "JSONEachRow",
                )
            )
        }
        structure = ", ".join(f"{column} {types[column]}" for column in step["columns"])
        columns = ", ".join(step["columns"])
        return rows(
            db.query(
                f"INSERT INTO {step['table']} ({columns}) "
                f"SELECT * FROM file({quoted(step['rowBinary'])}, 'RowBinary', {quoted(structure)})",
                "JSONEachRow",
            )
        )
    return rows(db.query(step["sql"], "JSONEachRow"))


def main():
    steps = json.load(sys.stdin)
    results = []
    with tempfile.TemporaryDirectory() as path:
        db = session.Session(path)
        try:
            for step in steps:
                try:
                    results.append({"rows": run(db, step)})
                except Exception as error:  # the engine's message is the result
                    results.append({"error": str(error)})
        finally:
            db.close()
    json.dump(results, sys.stdout)


main()
