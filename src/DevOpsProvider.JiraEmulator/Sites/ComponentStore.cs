namespace DevOpsProvider.JiraEmulator;

/// <summary>
/// A site's components. Two views: the latest accepted data (decides which updateSequenceNumber wins) and the visible
/// data GET answers with, which trails the accepted data by the visibility delay, as Jira's asynchronous processing does.
/// Changes become visible in the order they were accepted.
/// </summary>
internal sealed class ComponentStore(TimeProvider time, EmulatorOptions options)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, StoredComponent> _latest = new(StringComparer.Ordinal);
    private readonly Dictionary<string, StoredComponent> _visible = new(StringComparer.Ordinal);
    private readonly Queue<PendingChange> _pending = new();

    /// <summary>Stores each component unless the stored one has an equal or higher updateSequenceNumber (then it is ignored).</summary>
    public void Accept(IReadOnlyList<StoredComponent> components)
    {
        lock (_lock)
        {
            var visibleAt = time.GetUtcNow() + options.VisibilityDelay;
            foreach (var component in components)
            {
                var id = component.Id;
                if (_latest.TryGetValue(id, out var current) && current.UpdateSequenceNumber >= component.UpdateSequenceNumber)
                {
                    continue;
                }

                _latest[id] = component;
                _pending.Enqueue(new PendingChange(visibleAt, id, component));
            }

            ApplyDue();
        }
    }

    public void Delete(string id)
    {
        lock (_lock)
        {
            // The stored sequence number goes with the data, so the app may submit the id afresh later.
            _latest.Remove(id);
            _pending.Enqueue(new PendingChange(time.GetUtcNow() + options.VisibilityDelay, id, null));
            ApplyDue();
        }
    }

    /// <summary>Deletes every component whose properties hold all of <paramref name="properties"/> (an AND, per the API page).</summary>
    public int DeleteMatching(IReadOnlyDictionary<string, string> properties)
    {
        lock (_lock)
        {
            var matching = _latest.Values
                .Where(c => properties.All(p => c.Properties.TryGetValue(p.Key, out var v) && string.Equals(v, p.Value, StringComparison.Ordinal)))
                .Select(c => c.Id)
                .ToList();
            var visibleAt = time.GetUtcNow() + options.VisibilityDelay;
            foreach (var id in matching)
            {
                _latest.Remove(id);
                _pending.Enqueue(new PendingChange(visibleAt, id, null));
            }

            ApplyDue();
            return matching.Count;
        }
    }

    public StoredComponent? Get(string id)
    {
        lock (_lock)
        {
            ApplyDue();
            return _visible.GetValueOrDefault(id);
        }
    }

    public IReadOnlyCollection<StoredComponent> Visible()
    {
        StoredComponent[] snapshot;
        lock (_lock)
        {
            ApplyDue();
            snapshot = [.. _visible.Values];
        }

        Array.Sort(snapshot, (a, b) => string.CompareOrdinal(a.Id, b.Id));
        return snapshot;
    }

    public int VisibleCount
    {
        get
        {
            lock (_lock)
            {
                ApplyDue();
                return _visible.Count;
            }
        }
    }

    private void ApplyDue()
    {
        var now = time.GetUtcNow();
        while (_pending.TryPeek(out var next) && next.VisibleAt <= now)
        {
            _pending.Dequeue();
            if (next.Component is null)
            {
                _visible.Remove(next.Id);
            }
            else
            {
                _visible[next.Id] = next.Component;
            }
        }
    }

    private readonly record struct PendingChange(DateTimeOffset VisibleAt, string Id, StoredComponent? Component);
}
