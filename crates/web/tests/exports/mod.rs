//! Reading a subject export the way its receiver would: with an ordinary
//! ZIP reader (Python's zipfile), not with our own code.

/// Reads a ZIP with Python's zipfile: file name → text.
pub fn unzip(bytes: &[u8]) -> std::collections::BTreeMap<String, String> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("export.zip");
    std::fs::write(&path, bytes).unwrap();
    let script = "import sys, zipfile, json\n\
        z = zipfile.ZipFile(sys.argv[1])\n\
        assert z.testzip() is None\n\
        print(json.dumps({n: z.read(n).decode() for n in z.namelist()}))";
    let output = std::process::Command::new("python3")
        .args(["-c", script])
        .arg(&path)
        .output()
        .expect("python3 reads the export");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}
