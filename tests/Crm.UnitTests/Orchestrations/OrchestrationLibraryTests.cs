using Crm.Orchestrations;

namespace Crm.UnitTests.Orchestrations;

/// <summary>
/// <c>shared/Crm.Orchestrations</c> is a shared library like <c>Crm.Storage</c>: modules use it to register their
/// orchestrations, so it may use the shared libraries below it and no module or the host (ArchitectureTests' modules).
/// </summary>
public sealed class OrchestrationLibraryTests
{
    [Fact]
    public void TheOrchestrationLibraryUsesOnlySharedLibraries()
    {
        var ours = typeof(OrchestrationOptions).Assembly.GetReferencedAssemblies()
            .Select(a => a.Name!).Where(n => n.StartsWith("Crm.", StringComparison.Ordinal)).Order(StringComparer.Ordinal);

        Assert.Equal(["Crm.Storage"], ours);
    }

    [Fact]
    public void TheTaskHubQueuesFollowTheBackendsNames()
    {
        var options = new OrchestrationOptions { TaskHub = "Crm", PartitionCount = 2 };

        Assert.Equal(["t1crm-control-00", "t1crm-control-01", "t1crm-workitems"], options.QueueNames("t1"));
    }
}
