#!/usr/bin/env python3
"""Known vulnerabilities in every package the solution uses, direct or transitive.

'dotnet list package --vulnerable' answers "no vulnerable packages" both when there are none and when no package source
publishes advisory data, so first each source's service index is asked for its VulnerabilityInfo resource. Without one,
this says so and passes: nothing could be checked. With one, it fails on any High or Critical advisory.
"""
import json
import subprocess
import sys
import urllib.request
import xml.etree.ElementTree as ElementTree

FAILING = {"high", "critical"}


def sources(nuget_config):
    root = ElementTree.parse(nuget_config).getroot()
    return [entry.get("value") for entry in root.iter("add") if entry.get("value", "").startswith("http")]


def has_advisories(source):
    try:
        with urllib.request.urlopen(source, timeout=20) as response:
            index = json.load(response)
    except Exception as error:  # noqa: BLE001 - any failure means the data is not reachable
        print(f"  {source}: service index not reachable ({error})")
        return False
    found = any(resource.get("@type", "").startswith("VulnerabilityInfo") for resource in index.get("resources", []))
    print(f"  {source}: {'publishes' if found else 'does not publish'} vulnerability data (VulnerabilityInfo)")
    return found


def main(nuget_config):
    print("Dependency vulnerability check:")
    if not any([has_advisories(source) for source in sources(nuget_config)]):
        print("NOT CHECKED: no configured package source publishes advisory data here, so 'dotnet list package "
              "--vulnerable' cannot know of any vulnerability. Run it where nuget.org's full service index is reachable.")
        return 0
    listing = subprocess.run(
        ["dotnet", "list", "package", "--vulnerable", "--include-transitive", "--format", "json"],
        capture_output=True, text=True, check=False)
    if listing.returncode != 0:
        print(listing.stdout + listing.stderr)
        return 1
    found = []
    for project in json.loads(listing.stdout).get("projects", []):
        for framework in project.get("frameworks", []):
            for package in framework.get("topLevelPackages", []) + framework.get("transitivePackages", []):
                for advisory in package.get("vulnerabilities", []):
                    found.append((advisory.get("severity", ""), package["id"], package.get("resolvedVersion"),
                                  advisory.get("advisoryurl"), project.get("path")))
    for severity, package, version, url, project in sorted(set(found)):
        print(f"  {severity:<9} {package} {version} {url} ({project})")
    failing = [entry for entry in found if entry[0].lower() in FAILING]
    print(f"{len(set(found))} advisories, {len(set(failing))} high or critical.")
    return 1 if failing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "nuget.config"))
