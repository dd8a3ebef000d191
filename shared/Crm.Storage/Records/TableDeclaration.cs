using Microsoft.Extensions.DependencyInjection;

namespace Crm.Storage.Records;

/// <summary>
/// A table some feature owns, created at start with the record types' tables. The owner declares it
/// next to its own registration (<see cref="TableDeclarations.AddTable"/>), so the engine never lists
/// another feature's tables.
/// </summary>
/// <param name="Name">The table's name before the deployment's prefix (<see cref="StorageOptions.Table"/>).</param>
public sealed record TableDeclaration(string Name);

public static class TableDeclarations
{
    /// <summary>Declares a table to create at start; declaring one twice creates it once.</summary>
    public static IServiceCollection AddTable(this IServiceCollection services, string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return services.AddSingleton(new TableDeclaration(name));
    }
}
