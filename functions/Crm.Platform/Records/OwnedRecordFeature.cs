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
    /// under <c>/api/v1/{table}</c>: the shared CRUD, list, search and batch endpoints with data scope, plus team and export.
    /// </summary>
    public static IServiceCollection AddOwnedRecords<T, TType, TCreate, TService>(this IServiceCollection services,
        string title, string pascalName, string pascalPlural, params (string Action, string Description)[] actions)
        where T : RecordBase, IOwnedRecord where TType : RecordType<T>, new() where TCreate : notnull where TService : class, IRecordService<T, TCreate>
    {
        var table = new TType().Table;
        services.AddRecordType<T, TType>();
        services.AddSingleton<TService>();
        services.AddSingleton<ICustomFieldHolder, CustomFieldHolder<T>>();
        services.AddSingleton(PermissionModule.ForRecords(table, title, actions));
        services.AddSingleton<IApiFeature>(new OwnedRecordRoutes<T, TCreate, TService>(table, pascalName, pascalPlural, title));
        services.AddSingleton(new OwnedRecordDeclaration(table, typeof(T), typeof(TCreate), typeof(TService)));
        return services;
    }
}

/// <summary>
/// An owned record type as <c>AddOwnedRecords</c> declared it, for the features that serve every such type
/// without being named by it (imports and exports build their handler of each from this).
/// </summary>
public sealed record OwnedRecordDeclaration(string Table, Type Record, Type Create, Type Service);

public sealed class OwnedRecordRoutes<T, TCreate, TService>(string table, string pascalName, string pascalPlural, string title) : IApiFeature
    where T : RecordBase, IOwnedRecord where TCreate : notnull where TService : IRecordService<T, TCreate>
{
    public void Map(IEndpointRouteBuilder api)
    {
        var group = api.MapGroup($"/api/v1/{table}").WithTags(title);
        var permissions = RecordPermissions.ForModule(table);
        RecordExportApi<T, TCreate, TService>.Map(group, pascalPlural, table);
        RecordApi<T, TCreate, TService>.Map(group, pascalName, pascalPlural, permissions);
        RecordTeamApi<T, TCreate, TService>.Map(group, pascalName, permissions);
    }
}
