using System.Reflection;
using System.Text.Json.Nodes;

namespace Crm.DeployTests.Infrastructure;

/// <summary>
/// The Bicep CLI from the NuGet package Azure.Bicep.CommandLine.linux-x64 (a PackageDownload of this
/// project), run once per test run over infra/main.bicep: the compiled ARM template and the linter's report.
/// </summary>
public sealed class Bicep : IAsyncLifetime
{
    public const string Version = "0.49.2";
    public const string MainFile = "infra/main.bicep";

    public ProcessResult Build { get; private set; } = null!;
    public ProcessResult Lint { get; private set; } = null!;

    /// <summary>The compiled template of infra/main.bicep.</summary>
    public ArmTemplate Main { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var bicep = FindExecutable();
        // Build and lint in turn: the machine is small and each is a full compilation.
        Build = await Repo.RunAsync(bicep, ["build", MainFile, "--stdout"]);
        Lint = await Repo.RunAsync(bicep, ["lint", MainFile]);
        Main = Build.ExitCode == 0 ? new ArmTemplate(JsonNode.Parse(Build.Stdout)!.AsObject()) : null!;
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public static string FindExecutable()
    {
        var roots = new[]
        {
            typeof(Bicep).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "NuGetPackageRoot")?.Value,
            Environment.GetEnvironmentVariable("NUGET_PACKAGES"),
            Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages"),
        };
        foreach (var root in roots.Where(r => !string.IsNullOrEmpty(r)))
        {
            var path = Path.Combine(root!, "azure.bicep.commandline.linux-x64", Version, "tools", "bicep");
            if (File.Exists(path))
            {
                // Packages unzip without the execute bit on some machines.
                var mode = File.GetUnixFileMode(path);
                if (!mode.HasFlag(UnixFileMode.UserExecute))
                {
                    File.SetUnixFileMode(path, mode | UnixFileMode.UserExecute);
                }
                return path;
            }
        }
        throw new InvalidOperationException(
            $"The Bicep CLI {Version} is not restored; run 'dotnet restore tests/Crm.DeployTests' (looked in {string.Join(", ", roots)})");
    }
}

[CollectionDefinition(Name)]
public sealed class BicepCollection : ICollectionFixture<Bicep>
{
    public const string Name = "bicep";
}
