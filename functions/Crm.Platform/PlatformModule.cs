using Crm.Domain.Access;
using Crm.Domain.Configuration;
using Crm.Domain.Organisation;
using Crm.Platform.Access;
using Crm.Platform.Approvals;
using Crm.Platform.ApiKeys;
using Crm.Platform.Attachments;
using Crm.Platform.Audit;
using Crm.Platform.CustomFields;
using Crm.Platform.Departments;
using Crm.Platform.Dictionaries;
using Crm.Platform.Documents;
using Crm.Platform.EntraId;
using Crm.Platform.Events;
using Crm.Platform.IpRules;
using Crm.Platform.Notifications;
using Crm.Platform.Records;
using Crm.Platform.RecycleBin;
using Crm.Platform.Roles;
using Crm.Platform.SavedViews;
using Crm.Platform.Settings;
using Crm.Platform.SignIn;
using Crm.Platform.Tenants;
using Crm.Platform.Transfers;
using Crm.Platform.Users;
using Crm.Platform.Webhooks;
using Crm.Storage.Events;
using Crm.Storage.Records;
using Crm.Storage.Triggers;

namespace Crm.Platform;

/// <summary>
/// The platform module: the record engine and its checks, tenants, the organisation, access and credentials,
/// configuration (dictionaries, custom fields), the recycle bin, audit log, change feed, notifications, saved
/// views and import/export. Every other module is added after it and builds on its public types.
/// </summary>
public static class PlatformModule
{
    public static IServiceCollection AddPlatform(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddRecordEngine();
        services.AddSingleton(typeof(RecordWriter<,,>));
        services.AddSingleton<RecordGuard>();
        services.AddSingleton<RecordDeclarations>();
        services.AddSingleton<OwnedAccess>();
        services.AddSingleton<OwnerTransfer>();
        services.AddSingleton<PermissionCatalogue>();
        services.AddPermissionModules(Permissions.Platform);

        services.AddRecordType<Department, DepartmentRecordType>();
        services.AddRecordType<User, UserRecordType>();
        services.AddRecordType<Role, RoleRecordType>();
        services.AddRecordType<ApiKey, ApiKeyRecordType>();
        services.AddRecordType<IpRule, IpRuleRecordType>();
        services.AddSingleton<AccessDirectory>();
        services.AddSingleton<ApiKeyService>();
        services.AddSingleton<IpRuleDirectory>();
        services.AddSingleton<IpRuleService>();
        services.AddSingleton<IRestoreGuard>(sp => sp.GetRequiredService<IpRuleService>());
        services.AddSingleton<DepartmentService>();
        services.AddSingleton<IRestoreGuard>(sp => sp.GetRequiredService<DepartmentService>());
        services.AddSingleton<UserService>();
        services.AddSingleton<Credentials>();
        services.AddSingleton<RoleService>();
        services.AddSingleton<LockoutStore>().AddTable(LockoutStore.TableName);
        services.AddSingleton<LoginLog>().AddTable(LoginLog.TableName);
        services.AddSingleton<TenantProvisioning>();
        // The run command's demo company: its staff here, each module's records through IDemoData.
        services.AddSingleton<DemoCompany>();
        services.AddHostedService<DemoTenantSeeder>();
        services.AddConfiguration();
        services.AddNotifications();
        services.AddSavedViews();
        services.AddTransfers(configuration);
        services.AddApprovals(configuration);
        services.AddAttachments(configuration);
        services.AddDocuments();

        services.Configure<EventFeedOptions>(configuration.GetSection("Events"));
        services.Configure<ExportOptions>(configuration.GetSection("Export"));
        services.AddSingleton<FeedViewers>();
        services.AddQueueHandler<DispatchOutbox, DispatchOutboxHandler>(OutboxNotifier.QueueName);
        services.AddWebhooks(configuration);
        services.AddTimerJob<OutboxSweepJob>(OutboxSweepJob.Name);
        services.AddTimerJob<EventFeedRetentionJob>(EventFeedRetentionJob.Name);
        services.AddTimerJob<RecycleBinPurgeJob>(RecycleBinPurgeJob.Name);
        return services;
    }

    /// <summary>Dictionaries and custom fields, and the checks every record write makes with them.</summary>
    private static IServiceCollection AddConfiguration(this IServiceCollection services)
    {
        services.AddRecordType<DictionaryItem, DictionaryItemRecordType>();
        services.AddRecordType<CustomFieldDefinition, CustomFieldRecordType>();
        services.AddSingleton<DictionaryDirectory>();
        services.AddSingleton<ITenantSeed>(sp => sp.GetRequiredService<DictionaryDirectory>());
        services.AddSingleton<DictionaryValidator>();
        services.AddSingleton<DictionaryService>();
        services.AddSingleton<CustomFieldDirectory>();
        services.AddSingleton<CustomFieldService>();
        // The record engine writes custom-field sort rows for the fields the definitions make sortable.
        services.AddSingleton<ISortableFieldSource, CustomFieldSortSource>();
        services.AddQueueHandler<BuildSortIndex, SortIndexBuilder>(BuildSortIndex.QueueName);
        // Users carry custom fields too; owned record types declare themselves through AddOwnedRecords.
        services.AddSingleton<ICustomFieldHolder, CustomFieldHolder<User>>();
        services.AddSingleton<IRecordWriteCheck, DictionaryFieldCheck>();
        services.AddSingleton<IRecordWriteCheck, CustomFieldWriteCheck>();
        services.AddSingleton<RecordWriteChecks>();
        services.AddApprovalFlows();
        return services;
    }

    public static IEndpointRouteBuilder MapPlatform(this IEndpointRouteBuilder api)
    {
        api.MapTenants();
        api.MapAuth();
        api.MapDepartments();
        api.MapUsers();
        api.MapLockouts();
        api.MapRoles();
        api.MapSecuritySettings();
        api.MapLoginLogs();
        api.MapRecycleBin();
        api.MapAuditLogs();
        api.MapEvents();
        api.MapWebhooks();
        api.MapApiKeys();
        api.MapIpRules();
        api.MapApprovals();
        api.MapEntraIdSettings();
        api.MapDictionaries();
        api.MapCustomFields();
        api.MapNotifications();
        api.MapApprovalFlowTypes();
        return api;
    }
}
