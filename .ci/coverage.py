#!/usr/bin/env python3
"""Line coverage per project from the Cobertura reports of one test run, held against each project's floor.

A line counts as covered when any test project's run covered it (the reports of all test projects are merged).
Usage: coverage.py RESULTS_DIRECTORY FLOORS_FILE. Exits 1 when a project is below its floor or has no report.
"""
import glob
import os
import sys
import xml.etree.ElementTree as ElementTree


def merged_lines(reports):
    """{project: {(file, line): covered}} over every report."""
    projects = {}
    for report in reports:
        root = ElementTree.parse(report).getroot()
        for package in root.iter("package"):
            lines = projects.setdefault(package.get("name"), {})
            for cls in package.iter("class"):
                source = cls.get("filename")
                for line in cls.iter("line"):
                    key = (source, int(line.get("number")))
                    lines[key] = lines.get(key, False) or int(line.get("hits")) > 0
    return projects


def read_floors(path):
    floors = {}
    with open(path, encoding="utf-8") as file:
        for text in file:
            text = text.split("#", 1)[0].strip()
            if text:
                project, floor = text.split()
                floors[project] = float(floor)
    return floors


def main(results, floors_file):
    reports = glob.glob(os.path.join(results, "**", "coverage.cobertura*.xml"), recursive=True)
    projects = merged_lines(reports)
    floors = read_floors(floors_file)
    failed = False
    print(f"Line coverage ({len(reports)} reports merged; generated migrations excluded):")
    print(f"  {'project':<36} {'covered':>8} {'lines':>7} {'coverage':>9} {'floor':>7}")
    for project in sorted(set(projects) | set(floors)):
        lines = projects.get(project, {})
        covered = sum(lines.values())
        percent = 100.0 * covered / len(lines) if lines else 0.0
        floor = floors.get(project)
        below = floor is not None and percent < floor
        failed |= below
        print(f"  {project:<36} {covered:>8} {len(lines):>7} {percent:>8.1f}% "
              f"{'' if floor is None else f'{floor:>6.1f}%'}{'  BELOW THE FLOOR' if below else ''}")
    if failed:
        print("Coverage fell below a floor (.ci/coverage-floors): add tests, or lower the floor with a reason.")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
