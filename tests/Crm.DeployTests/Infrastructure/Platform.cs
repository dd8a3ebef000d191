// The Bicep CLI these tests run is the linux-x64 package, and the hooks are POSIX shell scripts.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
