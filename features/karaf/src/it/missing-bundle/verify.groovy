// The build must have failed in karaf-maven-plugin:verify, on the missing bundle.
def log = new File(basedir, 'build.log').text
assert log.contains('no-such-bundle') : 'the verify output does not name the missing bundle'
assert log =~ /Features verified: 1, failures: 1/ : 'verify did not report the feature as failed'
assert log.contains('karaf-maven-plugin') && log.contains('BUILD FAILURE')
return true
