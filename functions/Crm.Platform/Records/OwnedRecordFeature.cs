using Crm.Domain.Access;
using Crm.Domain.Common;
using Crm.Storage.Records;

namespace Crm.Platform.Records;

/// <summary>
/// Routes a feature contributes through DI; <c>MapCrmApi</c> maps every registered one, so a record
/// type registered by a later feature (or a test host) gets its endpoints without editing the host.
/// </summary>
public interface IApiFeature
{
    void Map(IEndpointRouteBuilder api);
}

public static class OwnedRecordRegistration
{
    /// <summary>
    /// Declares an owned record type: its store, its service, its permission module (the table name,
    /// with view/create/edit/delete/import/export and the type's own <paramref name="actions"/>) and its routes
    /// under <c>/api/v1/{collection}</c> (the table name unless the type spells its URLs otherwise): the shared CRUD, list, search and batch endpoints with data scope, plus team and export.
    /// </summary>
    public static IServiceCollection AddOwnedRecords<T, TType, TCreate, TService>(this IServiceCollection services,
        string title, string pascalName, string pascalPlural, params (string Action, string Description)[] actions)
        where T : RecordBase, IOwnedRecord where TType : RecordType<T>, new() where TCreate : notnull where TService : class, IRecordService<T, TCreate>
    {
        var type = new TType();
        var table = type.Table;
        services.AddRecordType<T, TType>();
        services.AddSingleton<TService>();
        services.AddSingleton<ICustomFieldHolder, CustomFieldHolder<T>>();
        services.AddSingleton(PermissionModule.ForRecords(table, title, actions));
        services.AddSingleton<IApiFeature>(new OwnedRecordRoutes<T, TCreate, TService>(table, type.Collection, pascalName, pascalPlural, title));
        services.AddSingleton(new RecordDeclaration(table, typeof(T), typeof(TCreate), typeof(TService)));
        return services;
    }

    /// <summary>
    /// Declares a record type without an owner (a catalogue: products, vendors, price books) that has its own
    /// permission module as owned types do: view, create, edit, delete, import and export (plus
    /// <paramref name="actions"/>), each checked by the <see cref="RecordWriter{T, TCreate, TService}"/> for the
    /// endpoints, batches, imports and jobs alike, with no data scope: whoever holds the permission reaches every record.
    /// Its routes are the shared CRUD, list, search, batch and export endpoints under <c>/api/v1/{collection}</c>.
    /// </summary>
    public static IServiceCollection AddModuleRecords<T, TType, TCreate, TService>(this IServiceCollection services,
        string title, string pascalName, string pascalPlural, params (string Action, string Description)[] actions)
        where T : RecordBase where TType : RecordType<T>, new() where TCreate : notnull where TService : class, IRecordService<T, TCreate>
    {
        var type = new TType();
        services.AddRecordType<T, TType>();
        services.AddSingleton<TService>();
        services.AddSingleton<ICustomFieldHolder, CustomFieldHolder<T>>();
        services.AddSingleton(PermissionModule.ForRecords(type.Table, title, actions));
        services.AddSingleton<IApiFeature>(new ModuleRecordRoutes<T, TCreate, TService>(type.Table, type.Collection, pascalName, pascalPlural, title));
        services.AddSingleton(new RecordDeclaration(type.Table, typeof(T), typeof(TCreate), typeof(TService)));
        return services;
    }
}

/// <summary>
/// A record type with its own permission module, as <c>AddOwnedRecords</c> or <c>AddModuleRecords</c> declared
/// it, for the features that serve every such type without being named by it (imports and exports build their
/// handler of each from this; the writer checks the module's permissions of the unowned ones).
/// </summary>
public sealed record RecordDeclaration(string Table, Type Record, Type Create, Type Service);

/// <summary>The tables declared with their own permission module: the writer checks their operation permissions itself.</summary>
public sealed class RecordDeclarations(IEnumerable<RecordDeclaration> declarations)
{
    private readonly HashSet<string> _tables = declarations.Select(d => d.Table).ToHashSet(StringComparer.Ordinal);

    public bool HasModule(string table) => _tables.Contains(table);
}

public sealed class OwnedRecordRoutes<T, TCreate, TService>(string table, string collection, string pascalName, string pascalPlural, string title) : IApiFeature
    where T : RecordBase, IOwnedRecord where TCreate : notnull where TService : IRecordService<T, TCreate>
{
    public void Map(IEndpointRouteBuilder api)
    {
        var group = api.MapGroup($"/api/v1/{collection}").WithTags(title);
        var permissions = RecordPermissions.ForModule(table);
        RecordExportApi<T, TCreate, TService>.Map(group, pascalPlural, table);
        RecordApi<T, TCreate, TService>.Map(group, pascalName, pascalPlural, permissions);
        RecordTeamApi<T, TCreate, TService>.Map(group, pascalName, permissions);
    }
}

public sealed class ModuleRecordRoutes<T, TCreate, TService>(string table, string collection, string pascalName, string pascalPlural, string title) : IApiFeature
    where T : RecordBase where TCreate : notnull where TService : IRecordService<T, TCreate>
{
    public void Map(IEndpointRouteBuilder api)
    {
        var group = api.MapGroup($"/api/v1/{collection}").WithTags(title);
        RecordExportApi<T, TCreate, TService>.Map(group, pascalPlural, table);
        RecordApi<T, TCreate, TService>.Map(group, pascalName, pascalPlural, RecordPermissions.ForModule(table));
    }
}
