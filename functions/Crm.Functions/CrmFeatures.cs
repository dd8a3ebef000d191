using Crm.Domain.Access;
using Crm.Domain.Configuration;
using Crm.Domain.Organisation;
using Crm.Functions.Access;
using Crm.Functions.ApiKeys;
using Crm.Functions.Audit;
using Crm.Functions.Contacts;
using Crm.Functions.CustomFields;
using Crm.Functions.Customers;
using Crm.Functions.Departments;
using Crm.Functions.Dictionaries;
using Crm.Functions.EntraId;
using Crm.Functions.Events;
using Crm.Functions.FollowUps;
using Crm.Functions.Hosting;
using Crm.Functions.IpRules;
using Crm.Functions.Leads;
using Crm.Functions.Notifications;
using Crm.Functions.Opportunities;
using Crm.Functions.Pipelines;
using Crm.Functions.Pool;
using Crm.Functions.Records;
using Crm.Functions.RecycleBin;
using Crm.Functions.Roles;
using Crm.Functions.SavedViews;
using Crm.Functions.Settings;
using Crm.Functions.SignIn;
using Crm.Functions.Tenants;
using Crm.Functions.Transfers;
using Crm.Functions.Users;
using Crm.Storage.Events;
using Crm.Storage.Records;
using Crm.Storage.Triggers;

namespace Crm.Functions;

/// <summary>Every feature of the CRM: its records, services, queue handlers, timer jobs and routes.</summary>
internal static class CrmFeatures
{
    public static IServiceCollection AddCrmFeatures(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddRecordEngine();
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
        services.AddSingleton<PermissionCatalogue>();
        services.AddSingleton<RecordGuard>();
        services.AddSingleton(typeof(RecordWriter<,,>));
        services.AddSingleton<OwnedAccess>();
        services.AddSingleton<OwnerTransfer>();
        services.AddConfiguration();

        services.AddSingleton<DepartmentService>();
        services.AddSingleton<IRestoreGuard>(sp => sp.GetRequiredService<DepartmentService>());
        services.AddCustomers();
        services.AddContacts();
        services.AddOpportunities();
        services.AddFollowUps();
        services.AddLeads();
        services.AddPublicPool();
        services.AddSavedViews();
        services.AddTransfers(configuration);
        services.AddSingleton<UserService>();
        services.AddSingleton<Credentials>();
        services.AddSingleton<RoleService>();
        services.AddSingleton<LockoutStore>().AddTable(LockoutStore.TableName);
        services.AddSingleton<LoginLog>().AddTable(LoginLog.TableName);
        services.AddSingleton<TenantProvisioning>();
        services.AddSingleton<DemoCompany>();
        services.AddHostedService<DemoTenantSeeder>();

        services.Configure<EventFeedOptions>(configuration.GetSection("Events"));
        services.Configure<ExportOptions>(configuration.GetSection("Export"));
        services.AddQueueHandler<DispatchOutbox, DispatchOutboxHandler>(OutboxNotifier.QueueName);
        services.AddTimerJob<OutboxSweepJob>(OutboxSweepJob.Name);
        services.AddTimerJob<EventFeedRetentionJob>(EventFeedRetentionJob.Name);
        services.AddTimerJob<RecycleBinPurgeJob>(RecycleBinPurgeJob.Name);
        return services;
    }

    /// <summary>Dictionaries, custom fields and pipelines, and the checks the record API makes with them.</summary>
    private static IServiceCollection AddConfiguration(this IServiceCollection services)
    {
        services.AddRecordType<DictionaryItem, DictionaryItemRecordType>();
        services.AddRecordType<CustomFieldDefinition, CustomFieldRecordType>();
        services.AddRecordType<Pipeline, PipelineRecordType>();
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
        services.AddSingleton<PipelineService>();
        services.AddSingleton<ITenantSeed, DefaultPipelineSeed>();
        return services;
    }

    public static WebApplication MapCrmApi(this WebApplication app)
    {
        app.MapHealth();
        app.MapOpenApi().AllowAnonymous();
        var api = app.MapGroup("");
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
        api.MapApiKeys();
        api.MapIpRules();
        api.MapEntraIdSettings();
        api.MapDictionaries();
        api.MapCustomFields();
        api.MapPipelines();
        api.MapNotifications();
        // Record types registered with AddOwnedRecords bring their own routes.
        foreach (var feature in app.Services.GetServices<IApiFeature>())
        {
            feature.Map(api);
        }
        return app;
    }
}
