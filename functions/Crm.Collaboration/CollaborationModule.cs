using Crm.Collaboration.Announcements;
using Crm.Collaboration.Bookmarks;
using Crm.Collaboration.Calendar;
using Crm.Collaboration.Links;
using Crm.Collaboration.Messages;
using Crm.Collaboration.Tags;
using Crm.Collaboration.Tasks;
using Crm.Domain.Collaboration;
using Crm.Storage.Records;
using Crm.Domain.Access;
using Crm.Platform.Access;
using Crm.Platform.Records;

namespace Crm.Collaboration;

/// <summary>
/// The collaboration module: tasks with their comments, views and reminders; calendar events with repeats, answers and
/// reminders, and the calendar that merges them with tasks and follow-ups; tags on records of any type; each user's
/// bookmarks; company announcements with read receipts; internal messages between users. Added after the sales module, whose follow-ups' store the
/// calendar reads.
/// </summary>
public static class CollaborationModule
{
    public static IServiceCollection AddCollaboration(this IServiceCollection services)
    {
        services.AddSingleton<RelatedRecords>();
        services.AddSingleton<Participants>();
        services.AddTasks();
        services.AddCalendar();
        services.AddModuleRecords<Tag, TagRecordType, TagFields, TagService>("Tags", "Tag", "Tags", (TagEndpoints.Apply, "Tag and untag records"));
        services.AddRecordType<Tagging, TaggingRecordType>();
        services.AddSingleton<TagEndpoints>();
        services.AddSingleton<IApiFeature>(sp => sp.GetRequiredService<TagEndpoints>());
        services.AddModuleRecords<Announcement, AnnouncementRecordType, AnnouncementFields, AnnouncementService>("Announcements", "Announcement", "Announcements",
            (AnnouncementFeedRoutes.Publish, "Publish announcements to their audience"));
        services.AddRecordType<AnnouncementReceipt, AnnouncementReceiptRecordType>();
        services.AddSingleton<AnnouncementFeedRoutes>();
        services.AddSingleton<IApiFeature>(sp => sp.GetRequiredService<AnnouncementFeedRoutes>());
        services.AddRecordType<MessageThread, MessageThreadRecordType>();
        services.AddRecordType<Message, MessageRecordType>();
        services.AddRecordType<InboxEntry, InboxEntryRecordType>();
        services.AddSingleton<MessageEndpoints>();
        services.AddSingleton<IApiFeature>(sp => sp.GetRequiredService<MessageEndpoints>());
        services.AddRecordType<Bookmark, BookmarkRecordType>();
        services.AddSingleton<BookmarkEndpoints>();
        services.AddSingleton<IApiFeature>(sp => sp.GetRequiredService<BookmarkEndpoints>());
        // Everyone keeps tasks and a calendar: their own (and those they take part in) within the scope of their role.
        services.AddBuiltInRoleGrants(
            BuiltInRoleGrant.Of(BuiltInRoles.SalesManager, Modules, "view", "create", "edit", "delete", "import", "export", OwnerTransfer.Action),
            BuiltInRoleGrant.Of(BuiltInRoles.SalesRep, Modules, "view", "create", "edit", "delete", OwnerTransfer.Action),
            BuiltInRoleGrant.Of(BuiltInRoles.ServiceAgent, Modules, "view", "create", "edit", "delete", OwnerTransfer.Action),
            // The tag list is kept by managers; everyone tags what they can see.
            BuiltInRoleGrant.Of(BuiltInRoles.SalesManager, ["tags"], "view", "create", "edit", "delete", TagEndpoints.Apply),
            BuiltInRoleGrant.Of(BuiltInRoles.SalesManager, ["announcements"], "view", "create", "edit", "delete", AnnouncementFeedRoutes.Publish),
            BuiltInRoleGrant.Of(BuiltInRoles.SalesRep, ["tags"], "view", TagEndpoints.Apply),
            BuiltInRoleGrant.Of(BuiltInRoles.ServiceAgent, ["tags"], "view", TagEndpoints.Apply));
        return services;
    }

    /// <summary>The permission modules of the collaboration records, declared by their <c>AddOwnedRecords</c>.</summary>
    private static readonly string[] Modules = ["tasks", "calendarevents"];

    /// <summary>The routes not declared through <see cref="Platform.Records.IApiFeature"/> (the owned record types bring theirs).</summary>
    public static IEndpointRouteBuilder MapCollaboration(this IEndpointRouteBuilder api) => api;
}
