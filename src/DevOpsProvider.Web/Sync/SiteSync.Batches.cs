using DevOpsProvider.Web.Catalog;
using DevOpsProvider.Web.Connect;

namespace DevOpsProvider.Web.Sync;

/// <summary>The sending half of a run: deletions first (a scope at a time where it can), then batches of due components.</summary>
public sealed partial class SiteSync
{
    private const int ForgetChunk = 200;

    private Dictionary<string, string> OurProperties(string? scope)
    {
        var properties = new Dictionary<string, string> { ["source"] = connect.Value.AppKey };
        if (scope is not null)
        {
            properties["scope"] = scope;
        }

        return properties;
    }

    private async Task DeleteGoneAsync(Tenant tenant, RunPlan plan, long runId, RunProgress progress, RunStop stop)
    {
        // A scope taken away from the site goes in one request instead of one per component. Taking one away replans
        // the site, so only a run from scratch needs to look.
        var unassigned = plan.Since == 0 ? await planner.UnassignedScopesAsync(tenant.ClientKey, stop.Work) : [];
        foreach (var scope in unassigned)
        {
            stop.ThrowIfStopping();
            await jira.DeleteByPropertiesAsync(tenant, OurProperties(scope), progress.Counters, stop.Work);
            progress.Add(deleted: await state.ForgetScopeAsync(tenant.ClientKey, scope, stop.Work));
        }

        var confirmed = new List<string>(ForgetChunk);
        foreach (var gone in await planner.GoneAsync(tenant.ClientKey, plan.Since, stop.Work))
        {
            if (gone.InJira)
            {
                stop.ThrowIfStopping();
                await jira.DeleteAsync(tenant, gone.Id, progress.Counters, stop.Work);
                progress.Add(deleted: 1);
            }

            confirmed.Add(gone.Id);
            if (confirmed.Count == ForgetChunk)
            {
                await state.ForgetAsync(tenant.ClientKey, confirmed, runId, progress, stop.Work);
                confirmed.Clear();
            }
        }

        if (confirmed.Count > 0)
        {
            await state.ForgetAsync(tenant.ClientKey, confirmed, runId, progress, stop.Work);
        }
    }

    private async Task SendDueAsync(Tenant tenant, RunPlan plan, long runId, RunProgress progress, RunStop stop)
    {
        using var batch = NewBatch(options.Value.MaxBatchBytes);
        await foreach (var component in planner.DueAsync(tenant.ClientKey, plan.Full, plan.Since, stop.Work))
        {
            // One batch holds one scope: the scope is a property of the whole submission.
            if (batch.Count > 0 && string.Equals(batch.Scope, component.Scope, StringComparison.Ordinal) && batch.TryAdd(component))
            {
                continue;
            }

            if (batch.Count > 0)
            {
                await SubmitAsync(tenant, batch, runId, progress, stop);
            }

            batch.Start(component.Scope);
            batch.TryAdd(component);
        }

        if (batch.Count > 0)
        {
            await SubmitAsync(tenant, batch, runId, progress, stop);
        }
    }

    private async Task SubmitAsync(Tenant tenant, BulkBatch batch, long runId, RunProgress progress, RunStop stop)
    {
        stop.ThrowIfStopping();
        BulkResponse response;
        try
        {
            response = await jira.SubmitAsync(tenant, batch.Body(), progress.Counters, stop.Work);
        }
        catch (JiraPayloadTooLargeException)
        {
            // 413: Jira wants fewer components. Halve and send each half (halving again as needed); the rest of the run
            // keeps the smaller budget.
            var sent = batch.Body().Length;
            batch.MaxBytes = Math.Max(1024, sent / 2);
            await SubmitHalvedAsync(tenant, batch.Scope!, [.. batch.Components], runId, progress, stop);
            return;
        }

        await state.RecordBatchAsync(tenant.ClientKey, batch.Scope!, batch.Components, response, runId, progress, stop.Work);
    }

    private async Task SubmitHalvedAsync(Tenant tenant, string scope, List<CatalogComponent> components, long runId, RunProgress progress, RunStop stop)
    {
        if (components.Count == 1)
        {
            var refused = new BulkResponse();
            refused.FailedComponents[components[0].Id] = [new BulkError { Message = "Jira refused the component as too large (413)" }];
            await state.RecordBatchAsync(tenant.ClientKey, scope, components, refused, runId, progress, stop.Work);
            return;
        }

        var half = components.Count / 2;
        foreach (var part in new[] { components[..half], components[half..] })
        {
            stop.ThrowIfStopping();
            using var batch = NewBatch(int.MaxValue);
            batch.Start(scope);
            foreach (var component in part)
            {
                batch.TryAdd(component);
            }

            try
            {
                var response = await jira.SubmitAsync(tenant, batch.Body(), progress.Counters, stop.Work);
                await state.RecordBatchAsync(tenant.ClientKey, scope, batch.Components, response, runId, progress, stop.Work);
            }
            catch (JiraPayloadTooLargeException)
            {
                await SubmitHalvedAsync(tenant, scope, part, runId, progress, stop);
            }
        }
    }

    private BulkBatch NewBatch(int maxBytes)
        => new(jira.ArrayName, connect.Value.AppKey, jiraOptions.Value.Product, maxBytes, options.Value.MaxBatchSize);
}
