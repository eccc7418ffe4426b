namespace EventPipeline.Topology;

/// <summary>Which attributes a global secondary index copies from the table's items.</summary>
public enum IndexProjection
{
    /// <summary>Every attribute (a read of the index needs no read of the table).</summary>
    All,

    /// <summary>The table's and the index's keys only: an index write only when an item appears, leaves or changes an index key.</summary>
    KeysOnly,
}
