using Crm.Collaboration.Calendar;
using Crm.Collaboration.Links;
using Crm.Collaboration.Tasks;
using Crm.Domain.Access;
using Crm.Platform.Access;
using Crm.Platform.Records;

namespace Crm.Collaboration;

/// <summary>
/// The collaboration module: tasks with their comments, views and reminders; calendar events with repeats, answers and
/// reminders, and the calendar that merges them with tasks and follow-ups. Added after the platform and the
/// sales module, whose public types it builds on.
/// </summary>
public static class CollaborationModule
{
    public static IServiceCollection AddCollaboration(this IServiceCollection services)
    {
        services.AddSingleton<RelatedRecords>();
        services.AddSingleton<Participants>();
        services.AddTasks();
        services.AddCalendar();
        // Everyone keeps tasks and a calendar: their own (and those they take part in) within the scope of their role.
        services.AddBuiltInRoleGrants(
            BuiltInRoleGrant.Of(BuiltInRoles.SalesManager, Modules, "view", "create", "edit", "delete", "import", "export", OwnerTransfer.Action),
            BuiltInRoleGrant.Of(BuiltInRoles.SalesRep, Modules, "view", "create", "edit", "delete", OwnerTransfer.Action),
            BuiltInRoleGrant.Of(BuiltInRoles.ServiceAgent, Modules, "view", "create", "edit", "delete", OwnerTransfer.Action));
        return services;
    }

    /// <summary>The permission modules of the collaboration records, declared by their <c>AddOwnedRecords</c>.</summary>
    private static readonly string[] Modules = ["tasks", "calendarevents"];

    /// <summary>The routes not declared through <see cref="Platform.Records.IApiFeature"/> (the owned record types bring theirs).</summary>
    public static IEndpointRouteBuilder MapCollaboration(this IEndpointRouteBuilder api) => api;
}
